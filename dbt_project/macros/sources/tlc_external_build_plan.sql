{% macro tlc_external_build_plan(node) %}
    {#- The statements that (re)create one external source, per adapter. -#}
    {{ return(adapter.dispatch('tlc_external_build_plan', 'taxi_elt')(node)) }}
{% endmacro %}


{% macro default__tlc_external_build_plan(node) %}
    {{ exceptions.raise_compiler_error(
        "stage_external_sources does not support the " ~ target.type ~ " adapter") }}
{% endmacro %}


{% macro duckdb__tlc_external_build_plan(node) %}
    {#- A view over every file the location matches, with the declared types; an empty typed
        view while nothing has landed, so models and tests always compile and run. A parquet
        view lists the files still the size the loader wrote: DuckDB reads a parquet file's
        footer when the view is made, and one changed behind our back must not stop the run
        (its merge step records it as unreadable, as a CSV file's does). -#}
    {%- set relation = api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.identifier) -%}
    {%- set location = tlc_checked_location(node.external.location) -%}
    {%- set matched = run_query("select count(*) from glob('" ~ location ~ "')").columns[0].values()[0] -%}
    {%- set files = tlc_parquet_files_intact(location) if matched and node.external.file_format == 'parquet'
        else none -%}
    {%- if matched == 0 or files == [] -%}
        {%- set body = tlc_empty_select(node) -%}
    {%- elif files -%}
        {%- set body = "select * from " ~ tlc_duckdb_reader(node, "['" ~ files | join("', '") ~ "']") -%}
    {%- else -%}
        {%- set body = "select * from " ~ tlc_duckdb_reader(node, location) -%}
    {%- endif -%}
    {{ return([
        "create schema if not exists " ~ relation.without_identifier(),
        "create or replace view " ~ relation ~ " as " ~ body,
    ]) }}
{% endmacro %}


{% macro bigquery__tlc_external_build_plan(node) %}
    {#- An external table over the landed objects with the declared schema. No
        ignore_unknown_values and no bad records allowed: a file that does not fit fails the
        query instead of losing rows. `_FILE_NAME` supplies the file's URI. Integer columns
        read as NUMERIC: BigQuery refuses "1.0" as INT64, and some releases write integers so
        (the loader lets through only an all-zero fraction; staging casts them to INT64). -#}
    {%- set relation = api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.identifier) -%}
    {%- set location = tlc_checked_location(node.external.location) -%}
    {%- if not location.startswith('gs://') -%}
        {{ exceptions.raise_compiler_error(
            "BigQuery reads the landing from Cloud Storage: set LANDING_URI=gs://<bucket>/<prefix> "
            ~ "(it is " ~ location[:80] ~ ")") }}
    {%- endif -%}
    {%- set file_format = node.external.file_format or 'csv' -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() if column.name != 'filename' -%}
        {#- The loader writes parquet timestamps without a zone, which BigQuery reads as
            DATETIME; staging casts them to TIMESTAMP (UTC), as the CSV values are read. -#}
        {%- set physical = 'NUMERIC' if file_format == 'csv' and type_kind(column.data_type) == 'integer'
            else 'DATETIME' if file_format == 'parquet' and type_kind(column.data_type) == 'timestamp'
            else tlc_bigquery_type(column.data_type) -%}
        {%- do columns.append(adapter.quote(column.name) ~ " " ~ physical) -%}
    {%- endfor -%}
    {%- if file_format == 'csv' -%}
        {%- set options = [
            "format = 'CSV'",
            "uris = ['" ~ location ~ "']",
            "skip_leading_rows = " ~ (1 if (node.external.options or {}).get('header', true) else 0),
            "field_delimiter = ','",
            "quote = '\"'",
            "allow_quoted_newlines = true",
            "allow_jagged_rows = false",
            "max_bad_records = 0",
        ] -%}
    {%- elif file_format == 'parquet' -%}
        {%- set options = ["format = 'PARQUET'", "uris = ['" ~ location ~ "']"] -%}
    {%- elif file_format == 'json' -%}
        {%- set options = [
            "format = 'NEWLINE_DELIMITED_JSON'",
            "uris = ['" ~ location ~ "']",
            "max_bad_records = 0",
        ] -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("unsupported file_format " ~ file_format) }}
    {%- endif -%}
    {%- set create = "create or replace external table" if var('ext_full_refresh', true)
        else "create external table if not exists" -%}
    {{ return([
        "create schema if not exists " ~ relation.without_identifier(),
        create ~ " " ~ relation ~ " (\n    " ~ columns | join(",\n    ")
            ~ "\n)\noptions (\n    " ~ options | join(",\n    ") ~ "\n)",
    ]) }}
{% endmacro %}
