{% macro tlc_merged_months(relation) %}
    {#- `relation` narrowed to the pickup months this invocation merged into it (a subquery),
        or `relation` itself: the tests *_in_merged_months read this. -#}
    {%- set scope = tlc_test_scope(relation) -%}
    {%- if not scope -%}{{ return(relation) }}{%- endif -%}
    {{ return("(select * from " ~ relation ~ " where " ~ scope ~ ") as merged_months") }}
{% endmacro %}
