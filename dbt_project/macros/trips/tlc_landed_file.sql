{% macro tlc_landed_file(taxi, file=none, rejects=none) %}
    {#- The landed rows a trip model reads, as read (the sources' declared types), every
        column of the taxi type (NULL where a file's format lacks it) and source_uri:

        - without `file`: every landed file, CSV and parquet (the external tables). This is
          what the models compile to, and what `dbt show` and the staging views read.
        - with `file` (a batch entry of tlc_files_to_merge): that one file, by its own reader
          (DuckDB: read_csv with `rejects`, or read_parquet; BigQuery: the external table
          pruned by _FILE_NAME), its URI a literal. The tlc_merged materialization puts this
          in place of the first form to run the model over one file (tlc_model_over_file). -#}
    {%- set spec = tlc_taxi(tlc_checked_taxi(taxi)) -%}
    {%- if file is none -%}
        {%- set branches = [] -%}
        {%- for file_format, node in [('csv', spec.source), ('parquet', spec.parquet)] if node -%}
            {%- do branches.append(tlc_landed_columns(spec, file_format,
                source(node.source_name, node.name), tlc_source_file_column())) -%}
        {%- endfor -%}
        {{ return("(\n    " ~ branches | join("\n    union all\n    ") ~ "\n) as landed_files") }}
    {%- endif -%}
    {{ return("(\n    " ~ adapter.dispatch('tlc_landed_file_reader', 'taxi_elt')(spec, file, rejects)
        ~ "\n) as landed_files") }}
{% endmacro %}


{% macro tlc_landed_columns(spec, file_format, relation, uri, where=none) %}
    {#- select <every column of the type, or null>, <uri> as source_uri from relation -#}
    {%- set columns = [] -%}
    {%- for column in spec.columns -%}
        {%- set quoted = adapter.quote(column.name) -%}
        {%- do columns.append(quoted if file_format in column.formats else "null as " ~ quoted) -%}
    {%- endfor -%}
    {{ return("select " ~ columns | join(", ") ~ ", " ~ uri ~ " as source_uri from " ~ relation
        ~ (" where " ~ where if where else "")) }}
{% endmacro %}


{% macro default__tlc_landed_file_reader(spec, file, rejects) %}
    {%- set node = spec.parquet if file.format == 'parquet' else spec.source -%}
    {%- set reader = tlc_duckdb_reader(node, file.uri, rejects=none if file.format == 'parquet'
        else rejects, filename=false) -%}
    {{ return(tlc_landed_columns(spec, file.format, reader, "'" ~ file.uri ~ "'")) }}
{% endmacro %}


{% macro bigquery__tlc_landed_file_reader(spec, file, rejects) %}
    {%- set node = spec.parquet if file.format == 'parquet' else spec.source -%}
    {%- set relation = api.Relation.create(database=node.database, schema=node.schema,
        identifier=node.identifier) -%}
    {{ return(tlc_landed_columns(spec, file.format, relation, tlc_source_file_column(),
        where="_FILE_NAME = '" ~ file.uri ~ "'")) }}
{% endmacro %}


{% macro tlc_model_over_file(taxi, model_sql, file, rejects=none) %}
    {#- The model's compiled SQL with its landed rows narrowed to one file. -#}
    {%- set every_file = tlc_landed_file(taxi) -%}
    {%- if every_file not in model_sql -%}
        {{ exceptions.raise_compiler_error(
            "a tlc_merged model reads its rows from tlc_landed_file('" ~ taxi ~ "')") }}
    {%- endif -%}
    {{ return(model_sql.replace(every_file, tlc_landed_file(taxi, file=file, rejects=rejects))) }}
{% endmacro %}
