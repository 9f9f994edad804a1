{% macro analytics_union_trips(staged) %}
    {#- union all of the analytics staging models `staged` (refs), column by column; a
        compile error names any stg_trips__ model of the project left out, and a warning any
        registered taxi type without one. -#}
    {%- if execute -%}
        {%- set given = staged | map(attribute='identifier') | list -%}
        {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.name.startswith('stg_trips__')
            and node.alias not in given -%}
            {{ exceptions.raise_compiler_error(
                node.name ~ " is not in int_trips_unioned: add its ref to the list there") }}
        {%- endfor -%}
        {%- for taxi in tlc_taxi_types() if 'stg_trips__' ~ taxi not in given -%}
            {%- do exceptions.warn("taxi type " ~ taxi ~ " has no analytics staging model"
                ~ " (models/analytics/staging/stg_trips__" ~ taxi ~ ".sql): its trips are not"
                ~ " in fct_trips") -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set names = ['unique_row_id', 'service_type', 'filename']
        + analytics_trip_columns() | map(attribute='name') | list -%}
    {%- for relation in staged %}
    select
        {{ names | join(",\n        ") }}
    from {{ relation }}
    {%- if not loop.last %}

    union all
    {% endif -%}
    {%- endfor %}
{%- endmacro %}
