{#-
    The taxi registry as dbt sees it: the `tlc` sources generated from loader/taxis.py. A
    source `<taxi>_tripdata_ext` with `meta.taxi` is a taxi type; its columns, their declared
    types and nullability, and its pickup and dropoff columns come from there. Nothing else in
    the project names a taxi type.
-#}

{% macro tlc_taxi(taxi) %}
    {#- {name, source, pickup_column, dropoff_column, columns: [{name, data_type, nullable}]}
        for a registered taxi type; anything else is refused before it reaches SQL. -#}
    {%- if not execute -%}
        {{ return({'name': taxi, 'source': none, 'pickup_column': none, 'dropoff_column': none,
            'columns': []}) }}
    {%- endif -%}
    {%- for node in graph.sources.values()
        if node.source_name == 'tlc' and (node.meta or {}).get('taxi') == taxi -%}
        {%- set columns = [] -%}
        {%- for column in node.columns.values() if column.name != 'filename' -%}
            {%- do columns.append({
                'name': column.name,
                'data_type': column.data_type,
                'nullable': (column.meta or {}).get('nullable', true),
            }) -%}
        {%- endfor -%}
        {{ return({
            'name': taxi,
            'source': node,
            'pickup_column': node.meta.pickup_column,
            'dropoff_column': node.meta.dropoff_column,
            'columns': columns,
        }) }}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        "taxi '" ~ (taxi | string)[:40] ~ "' is not registered (loader/taxis.py)") }}
{% endmacro %}
