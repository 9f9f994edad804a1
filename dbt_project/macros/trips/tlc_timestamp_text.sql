{% macro tlc_timestamp_text(column) %}
    {#- A timestamp as 'YYYY-MM-DD HH:MM:SS.ffffff' on both engines. -#}
    {{- return(adapter.dispatch('tlc_timestamp_text', 'taxi_elt')(column)) -}}
{% endmacro %}

{% macro default__tlc_timestamp_text(column) -%}
    strftime({{ column }}, '%Y-%m-%d %H:%M:%S.%f')
{%- endmacro %}

{% macro bigquery__tlc_timestamp_text(column) -%}
    format_timestamp('%Y-%m-%d %H:%M:%E6S', {{ column }})
{%- endmacro %}
