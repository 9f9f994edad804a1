{% macro stage_external_sources() %}
    {#- Create or replace every source that has an `external:` block. Runs at the start of
        every dbt run (on-run-start) and as `dbt run-operation stage_external_sources`. -#}
    {%- if execute -%}
        {%- for node in graph.sources.values() if node.external and node.external.location -%}
            {%- do adapter.dispatch('stage_external_source', 'taxi_elt')(node) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}


{% macro default__stage_external_source(node) %}
    {{ exceptions.raise_compiler_error(
        "stage_external_sources does not support the " ~ target.type ~ " adapter") }}
{% endmacro %}


{% macro duckdb__stage_external_source(node) %}
    {#- A view over read_csv / read_json of every file the location pattern matches, with
        explicit column types; an empty typed view while nothing has landed, so models and
        tests always compile and run. -#}
    {%- set relation = api.Relation.create(
        database=node.database, schema=node.schema, identifier=node.identifier) -%}
    {%- set location = tlc_checked_location(node.external.location) -%}
    {%- set file_format = node.external.file_format or 'csv' -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() if column.name != 'filename' -%}
        {%- do columns.append(column) -%}
    {%- endfor -%}
    {%- set matched = run_query("select count(*) from glob('" ~ location ~ "')").columns[0].values()[0] -%}

    {%- set select_list = [] -%}
    {%- for column in columns -%}
        {%- do select_list.append(adapter.quote(column.name)) -%}
    {%- endfor -%}
    {%- if file_format == 'csv' -%}
        {%- do select_list.append('filename') -%}
    {%- endif -%}

    {%- if matched == 0 -%}
        {%- set empty_list = [] -%}
        {%- for column in columns -%}
            {%- do empty_list.append("cast(null as " ~ column.data_type ~ ") as " ~ adapter.quote(column.name)) -%}
        {%- endfor -%}
        {%- if file_format == 'csv' -%}
            {%- do empty_list.append("cast(null as varchar) as filename") -%}
        {%- endif -%}
        {%- set body = "select " ~ empty_list | join(", ") ~ " where false" -%}
    {%- else -%}
        {%- set types = [] -%}
        {%- for column in columns -%}
            {%- do types.append("'" ~ column.name ~ "': '" ~ column.data_type ~ "'") -%}
        {%- endfor -%}
        {%- set options = [] -%}
        {%- for key, value in (node.external.options or {}).items() -%}
            {%- do options.append(key ~ " = " ~ tlc_duckdb_option(value)) -%}
        {%- endfor -%}
        {%- if file_format == 'csv' -%}
            {%- set reader = "read_csv('" ~ location ~ "', " ~ (options + [
                "union_by_name = true",
                "filename = true",
                "types = {" ~ types | join(", ") ~ "}"]) | join(", ") ~ ")" -%}
        {%- elif file_format == 'json' -%}
            {%- set reader = "read_json('" ~ location ~ "', " ~ (options + [
                "format = 'newline_delimited'",
                "columns = {" ~ types | join(", ") ~ "}"]) | join(", ") ~ ")" -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error("unsupported file_format " ~ file_format) }}
        {%- endif -%}
        {%- set body = "select " ~ select_list | join(", ") ~ " from " ~ reader -%}
    {%- endif -%}

    {%- do run_query("create schema if not exists " ~ relation.without_identifier()) -%}
    {%- do run_query("create or replace view " ~ relation ~ " as " ~ body) -%}
    {%- do log("staged " ~ relation ~ " over " ~ matched ~ " file(s) at " ~ location) -%}
{% endmacro %}


{% macro tlc_duckdb_option(value) %}
    {%- if value is sameas true or value is sameas false -%}
        {{ return(value | string | lower) }}
    {%- elif value is number -%}
        {{ return(value | string) }}
    {%- else -%}
        {{ return("'" ~ value | string | replace("'", "''") ~ "'") }}
    {%- endif -%}
{% endmacro %}


{% macro bigquery__stage_external_source(node) %}
    {#- An external table over the landed objects with the declared schema. No
        ignore_unknown_values and no bad records allowed: a file that does not fit fails the
        query instead of losing rows. `_FILE_NAME` supplies the file's URI. -#}
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
        {%- do columns.append(adapter.quote(column.name) ~ " " ~ tlc_bigquery_type(column.data_type)) -%}
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
    {%- elif file_format == 'json' -%}
        {%- set options = [
            "format = 'NEWLINE_DELIMITED_JSON'",
            "uris = ['" ~ location ~ "']",
            "max_bad_records = 0",
        ] -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("unsupported file_format " ~ file_format) }}
    {%- endif -%}
    {%- do run_query("create schema if not exists " ~ relation.without_identifier()) -%}
    {%- do run_query(
        "create or replace external table " ~ relation ~ " (\n    "
        ~ columns | join(",\n    ") ~ "\n)\noptions (\n    " ~ options | join(",\n    ") ~ "\n)") -%}
{% endmacro %}


{% macro tlc_bigquery_type(data_type) %}
    {%- set kind = type_kind(data_type) -%}
    {{ return({'integer': 'INT64', 'decimal': 'NUMERIC', 'timestamp': 'TIMESTAMP', 'text': 'STRING'}[kind]) }}
{% endmacro %}


{% macro tlc_source_file_column() %}
    {{- return(adapter.dispatch('tlc_source_file_column', 'taxi_elt')()) -}}
{% endmacro %}

{% macro default__tlc_source_file_column() %}
    {#- DuckDB's reader already returns the file's path as `filename`. -#}
    {{- return('') -}}
{% endmacro %}

{% macro bigquery__tlc_source_file_column() %}
    {#- `select *` leaves out pseudo-columns: name the file's URI explicitly. -#}
    {{- return(', _FILE_NAME as filename') -}}
{% endmacro %}
