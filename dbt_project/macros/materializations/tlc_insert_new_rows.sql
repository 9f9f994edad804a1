{% macro tlc_insert_new_rows(target_relation, staged, columns, bound) %}
    {#- BigQuery: insert the staged rows, once each, whose unique_row_id `target_relation` does
        not hold, by an insert-only MERGE; the literal `bound` in ON (on the destination, alias
        `merged`) prunes its partitions to the staged rows' months. -#}
    {%- set sql -%}
        merge into {{ target_relation }} as merged
        using (
            {{ tlc_deduplicated(staged) }}
        ) as batch
        on merged.unique_row_id = batch.unique_row_id and {{ bound }}
        when not matched then insert ({{ columns }}) values ({{ columns }})
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}
