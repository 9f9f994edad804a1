{% macro tlc_trip_column_list(taxi, prefix='') %}
    {#- The taxi's columns, quoted, comma-separated, in published order. -#}
    {%- set names = [] -%}
    {%- for column in tlc_taxi(taxi).columns -%}
        {%- do names.append(prefix ~ adapter.quote(column.name)) -%}
    {%- endfor -%}
    {{ return(names | join(",\n        ")) }}
{% endmacro %}
