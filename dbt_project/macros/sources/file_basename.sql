{% macro file_basename(column) %}
    {#- The file name part of a path or URI. -#}
    {{- return(adapter.dispatch('file_basename', 'taxi_elt')(column)) -}}
{% endmacro %}

{% macro default__file_basename(column) -%}
    parse_filename({{ column }})
{%- endmacro %}

{% macro bigquery__file_basename(column) -%}
    regexp_extract({{ column }}, r'[^/]+$')
{%- endmacro %}
