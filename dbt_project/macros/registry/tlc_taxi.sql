{#-
    The taxi registry as dbt sees it: the `tlc` sources generated from loader/taxis.py. A
    source with `meta.taxi` is a taxi type's external table: `<taxi>_tripdata_ext` over its
    landed CSV files (`meta.format: csv`) and `<taxi>_tripdata_parquet_ext` over its landed
    parquet files. Columns, declared types, nullability and the pickup and dropoff columns come
    from there. Nothing else in the project names a taxi type.
-#}

{% macro tlc_taxi(taxi) %}
    {#- {name, source (the CSV external table), parquet (the parquet one), pickup_column,
        dropoff_column, columns: [{name, data_type, nullable, keyed_when_set, formats}]} for a
        registered taxi type: the CSV columns, then those only parquet files carry. Anything
        else is refused before it reaches SQL. -#}
    {%- if not execute -%}
        {{ return({'name': taxi, 'source': none, 'parquet': none, 'pickup_column': none,
            'dropoff_column': none, 'columns': []}) }}
    {%- endif -%}
    {%- set nodes = {} -%}
    {%- for node in graph.sources.values()
        if node.source_name == 'tlc' and (node.meta or {}).get('taxi') == taxi -%}
        {%- do nodes.update({node.meta.get('format', 'csv'): node}) -%}
    {%- endfor -%}
    {%- if 'csv' not in nodes -%}
        {{ exceptions.raise_compiler_error(
            "taxi '" ~ (taxi | string)[:40] ~ "' is not registered (loader/taxis.py)") }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- set seen = {} -%}
    {%- for file_format in ['csv', 'parquet'] if file_format in nodes -%}
        {%- for column in nodes[file_format].columns.values() if column.name != 'filename' -%}
            {%- if column.name in seen -%}
                {%- do seen[column.name].formats.append(file_format) -%}
            {%- else -%}
                {%- set meta = column.meta or {} -%}
                {%- set entry = {
                    'name': column.name,
                    'data_type': column.data_type,
                    'nullable': meta.get('nullable', true),
                    'keyed_when_set': meta.get('keyed_when_set', false),
                    'formats': [file_format],
                } -%}
                {%- do seen.update({column.name: entry}) -%}
                {%- do columns.append(entry) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return({
        'name': taxi,
        'source': nodes.csv,
        'parquet': nodes.get('parquet'),
        'pickup_column': nodes.csv.meta.pickup_column,
        'dropoff_column': nodes.csv.meta.dropoff_column,
        'columns': columns,
    }) }}
{% endmacro %}
