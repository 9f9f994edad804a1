{% macro tlc_source_file_column() %}
    {#- The column that names a row's file: DuckDB's reader returns it as `filename`;
        BigQuery has the pseudo-column _FILE_NAME, which `select *` leaves out. -#}
    {{- return(adapter.dispatch('tlc_source_file_column', 'taxi_elt')()) -}}
{% endmacro %}

{% macro default__tlc_source_file_column() -%}
    filename
{%- endmacro %}

{% macro bigquery__tlc_source_file_column() -%}
    _FILE_NAME
{%- endmacro %}
