{% macro tlc_duckdb_option(value) %}
    {#- A YAML option value as a DuckDB literal. -#}
    {%- if value is sameas true or value is sameas false -%}
        {{ return(value | string | lower) }}
    {%- elif value is number -%}
        {{ return(value | string) }}
    {%- else -%}
        {{ return("'" ~ value | string | replace("'", "''") ~ "'") }}
    {%- endif -%}
{% endmacro %}
