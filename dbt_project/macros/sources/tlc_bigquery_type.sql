{% macro tlc_bigquery_type(data_type) %}
    {#- The BigQuery type of a declared data_type. -#}
    {%- set kind = type_kind(data_type) -%}
    {{ return({'integer': 'INT64', 'decimal': 'NUMERIC', 'timestamp': 'TIMESTAMP', 'text': 'STRING'}[kind]) }}
{% endmacro %}
