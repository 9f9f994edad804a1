{% macro tlc_add_missing_columns(taxi, relation) %}
    {#- A merged table built before the registry gained columns (those only parquet files
        carry) gets them, empty: its rows and keys stay as they are. -#}
    {%- set present = adapter.get_columns_in_relation(relation) | map(attribute='name')
        | map('lower') | list -%}
    {%- for column in tlc_taxi(taxi).columns if column.name | lower not in present -%}
        {%- do run_query("alter table " ~ relation ~ " add column " ~ adapter.quote(column.name)
            ~ " " ~ tlc_warehouse_type(column.data_type)) -%}
    {%- endfor -%}
{% endmacro %}
