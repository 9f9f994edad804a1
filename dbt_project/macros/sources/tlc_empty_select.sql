{% macro tlc_empty_select(node) %}
    {#- A select of no rows with the source's declared columns (and `filename` for files). -#}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() -%}
        {%- do columns.append("cast(null as " ~ (column.data_type or 'varchar') ~ ") as "
            ~ adapter.quote(column.name)) -%}
    {%- endfor -%}
    {{ return("select " ~ columns | join(", ") ~ " where false") }}
{% endmacro %}
