{% macro tlc_batch_filter(column, files, key='uri') %}
    {#- `column in (<literal list>)`: literals let the engine skip every other file. -#}
    {%- if files | length == 0 -%}
        {{ return("false") }}
    {%- endif -%}
    {{ return(column ~ " in " ~ tlc_string_list(files | map(attribute=key) | list)) }}
{% endmacro %}
