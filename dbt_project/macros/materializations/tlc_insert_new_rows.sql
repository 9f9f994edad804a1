{% macro tlc_insert_new_rows(target_relation, batch_sql, columns, bound) %}
    {#- Insert the batch's rows whose unique_row_id `target_relation` does not hold; `bound`
        restricts the destination (alias `merged`) to the batch's months with literals. -#}
    {{ return(adapter.dispatch('tlc_insert_new_rows', 'taxi_elt')(target_relation, batch_sql, columns, bound)) }}
{% endmacro %}


{% macro default__tlc_insert_new_rows(target_relation, batch_sql, columns, bound) %}
    {%- set sql -%}
        insert into {{ target_relation }} ({{ columns }})
        with batch as (

            {{ batch_sql }}

        ),

        final as (

            select {{ columns }}
            from batch
            where not exists (
                select 1
                from {{ target_relation }} as merged
                where merged.unique_row_id = batch.unique_row_id and {{ bound }}
            )

        )

        select * from final
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}


{% macro bigquery__tlc_insert_new_rows(target_relation, batch_sql, columns, bound) %}
    {#- An insert-only MERGE: the literal bound in ON prunes the destination's partitions. -#}
    {%- set sql -%}
        merge into {{ target_relation }} as merged
        using (
            {{ batch_sql }}
        ) as batch
        on merged.unique_row_id = batch.unique_row_id and {{ bound }}
        when not matched then insert ({{ columns }}) values ({{ columns }})
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}
