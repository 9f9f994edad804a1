{% macro tlc_file_uri(taxi, file) %}
    {#- The path or URI under which the external table reports `file` (same folder as its
        location pattern), so filters on it prune the files read. -#}
    {%- set node = tlc_taxi(taxi).source -%}
    {%- set folder = tlc_checked_location(node.external.location).rsplit('/', 1)[0] -%}
    {{ return(folder ~ '/' ~ file) }}
{% endmacro %}
