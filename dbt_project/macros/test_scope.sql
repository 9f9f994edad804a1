{#-
    Generic tests on the merged tables check what this build changed.

    A merge only adds rows in the pickup months of its batch, and a row's key covers its pickup
    time, so a duplicate or a NULL introduced by this build lies in those months. When this
    invocation merged files, `unique` and `not_null` on green_tripdata / yellow_tripdata read
    only those months (all their rows, old and new), and their cost follows the new data, not
    the table's size. Earlier months were proved by the builds that merged them. A build that
    merged nothing, `dbt test` on its own, and `--vars '{full_tests: true}'` test everything.
-#}

{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set scope = tlc_test_scope(relation) -%}
    {%- set predicates = [where] if where else [] -%}
    {%- if scope -%}{%- do predicates.append(scope) -%}{%- endif -%}
    {%- if predicates -%}
        {%- do return("(select * from " ~ relation ~ " where (" ~ predicates | join(") and (") ~ ")) dbt_subquery") -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{% macro tlc_test_scope(relation) %}
    {#- A predicate on the months this invocation merged into `relation`, or '' (all rows). -#}
    {%- if not execute or var('full_tests', false) -%}{{ return('') }}{%- endif -%}
    {#- The merged models name their pickup column in meta (a loop's `set` does not leak out
        of the loop in Jinja, hence the list). -#}
    {%- set found = [] -%}
    {%- for node in graph.nodes.values()
        if node.resource_type == 'model' and node.alias == relation.identifier
        and node.config.meta.get('pickup_column') -%}
        {%- do found.append(node.config.meta['pickup_column']) -%}
    {%- endfor -%}
    {%- if not found -%}{{ return('') }}{%- endif -%}
    {%- set pickup = found[0] -%}
    {%- set query -%}
        select pickup_months from {{ source('taxi_elt', 'merge_log') }}
        where taxi = '{{ relation.identifier.split('_')[0] }}' and invocation_id = '{{ invocation_id }}'
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
    {{ return(tlc_month_ranges(pickup, months)) }}
{% endmacro %}
