{% macro tlc_month_start(column) %}
    {#- The first instant of a timestamp's month. -#}
    {{- return(adapter.dispatch('tlc_month_start', 'taxi_elt')(column)) -}}
{% endmacro %}

{% macro default__tlc_month_start(column) -%}
    date_trunc('month', {{ column }})
{%- endmacro %}

{% macro bigquery__tlc_month_start(column) -%}
    timestamp_trunc({{ column }}, month)
{%- endmacro %}
