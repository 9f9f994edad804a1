{% macro decimal_scale(data_type) %}
    {#- The declared scale of numeric(p,s) / decimal(p,s); 0 when none is declared. -#}
    {%- set match = modules.re.search('[(]\\s*[0-9]+\\s*,\\s*([0-9]+)\\s*[)]', data_type or '') -%}
    {{ return(match.group(1) | int if match else 0) }}
{% endmacro %}
