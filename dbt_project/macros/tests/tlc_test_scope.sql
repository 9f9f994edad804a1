{% macro tlc_test_scope(relation) %}
    {#- A predicate on the months this invocation merged into `relation`, or '' (all rows). -#}
    {%- if not execute or var('full_tests', false) -%}{{ return('') }}{%- endif -%}
    {#- Which merged model is this? (A loop's `set` does not leak out of it: hence the list.) -#}
    {%- set found = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.alias == relation.identifier
        and node.config.materialized == 'tlc_merged' -%}
        {%- do found.append(node.config.meta.taxi) -%}
    {%- endfor -%}
    {%- if not found -%}{{ return('') }}{%- endif -%}
    {%- set spec = tlc_taxi(found[0]) -%}
    {%- set query -%}
        select pickup_months from {{ source('taxi_elt', 'merge_log') }}
        where taxi = '{{ spec.name }}' and invocation_id = '{{ invocation_id }}'
            and status = 'merged'
    {%- endset -%}
    {%- set months = [] -%}
    {%- set rows = run_query(query).rows -%}
    {%- if rows | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- for row in rows -%}
        {%- for text in (row[0] or '').split(',') if text -%}
            {%- if text == 'null' -%}
                {%- do months.append(none) -%}
            {%- elif modules.re.fullmatch('[0-9]{4}-[0-9]{2}', text) -%}
                {%- do months.append(modules.datetime.datetime.strptime(text, '%Y-%m')) -%}
            {%- else -%}
                {{ return('') }}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(tlc_month_ranges(adapter.quote(spec.pickup_column), months)) }}
{% endmacro %}
