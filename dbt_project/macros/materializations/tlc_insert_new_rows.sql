{% macro tlc_insert_new_rows(target_relation, staged, columns, bound) %}
    {#- BigQuery: insert the staged rows, once each, whose unique_row_id `target_relation` does
        not hold, by an insert-only MERGE; the literal `bound` in ON (on the destination, alias
        `merged`) prunes its partitions to the staged rows' months. The staged rows are one
        file's: rows of it that share a key are the same row (the key covers every column), so
        any one of them goes in. -#}
    {%- set sql -%}
        merge into {{ target_relation }} as merged
        using (
            select *
            from {{ staged }}
            where true  -- BigQuery takes QUALIFY only beside a WHERE, GROUP BY or HAVING
            qualify row_number() over (partition by unique_row_id) = 1
        ) as batch
        on merged.unique_row_id = batch.unique_row_id and {{ bound }}
        when not matched then insert ({{ columns }}) values ({{ columns }})
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}
