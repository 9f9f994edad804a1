{% macro tlc_taxi_types() %}
    {#- The registered taxi types, in registry order (execute time only). -#}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for node in graph.sources.values()
            if node.source_name == 'tlc' and (node.meta or {}).get('taxi')
            and node.meta.taxi not in names -%}
            {%- do names.append(node.meta.taxi) -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(names) }}
{% endmacro %}
