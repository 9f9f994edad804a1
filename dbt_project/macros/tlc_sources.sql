{#- Helpers over the `tlc` source definitions: columns, locations, file URIs. -#}

{% macro tlc_source_node(source_name, table_name) %}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no source " ~ source_name ~ "." ~ table_name) }}
{% endmacro %}


{% macro tlc_trip_columns(taxi) %}
    {#- The trip columns of <taxi>_tripdata_ext as [{name, data_type}], in file order. The
        surrogate key hashes exactly these, so it always covers every source column. -#}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set node = tlc_source_node('tlc', tlc_checked_taxi(taxi) ~ '_tripdata_ext') -%}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() if column.name != 'filename' -%}
        {%- do columns.append({'name': column.name, 'data_type': column.data_type}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{% endmacro %}


{% macro tlc_checked_taxi(taxi) %}
    {%- if taxi not in ['green', 'yellow'] -%}
        {{ exceptions.raise_compiler_error("taxi must be green or yellow, not " ~ taxi) }}
    {%- endif -%}
    {{ return(taxi) }}
{% endmacro %}


{% macro tlc_checked_location(location) %}
    {#- A landing location ends up inside SQL string literals: allow plain path characters
        only, and collapse repeated slashes (a trailing / in LANDING_URI). -#}
    {%- set normalized = modules.re.sub('(?<!:)/{2,}', '/', location | trim) -%}
    {%- if not modules.re.fullmatch('(gs://)?[A-Za-z0-9_./+*-]{1,1024}', normalized) -%}
        {{ exceptions.raise_compiler_error(
            "LANDING_URI gives the location '" ~ location[:80] ~ "', which may only hold "
            ~ "letters, digits and _ . / + - (no spaces, quotes or semicolons)") }}
    {%- endif -%}
    {{ return(normalized) }}
{% endmacro %}


{% macro tlc_file_uri(taxi, file) %}
    {#- The path or URI under which the external table reports `file` (same folder as its
        location pattern), so filters on it prune the files read. -#}
    {%- set node = tlc_source_node('tlc', tlc_checked_taxi(taxi) ~ '_tripdata_ext') -%}
    {%- set folder = tlc_checked_location(node.external.location).rsplit('/', 1)[0] -%}
    {{ return(folder ~ '/' ~ file) }}
{% endmacro %}


{% macro tlc_string_list(values) %}
    {#- Renders ('a', 'b'); values were validated against strict patterns by the caller. -#}
    {%- if values | length == 0 -%}{{ return("(null)") }}{%- endif -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- if "'" in value or "\\" in value or "\n" in value -%}
            {{ exceptions.raise_compiler_error("refusing to quote an unsafe value: " ~ value[:80]) }}
        {%- endif -%}
        {%- do quoted.append("'" ~ value ~ "'") -%}
    {%- endfor -%}
    {{ return("(" ~ quoted | join(", ") ~ ")") }}
{% endmacro %}


{% macro file_basename(column) %}
    {{- return(adapter.dispatch('file_basename', 'taxi_elt')(column)) -}}
{% endmacro %}

{% macro default__file_basename(column) -%}
    parse_filename({{ column }})
{%- endmacro %}

{% macro bigquery__file_basename(column) -%}
    regexp_extract({{ column }}, r'[^/]+$')
{%- endmacro %}


{% macro tlc_landed_files_now() %}
    {#- One row per landed trip file as it is now: (filename, bytes_now). -#}
    {{- return(adapter.dispatch('tlc_landed_files_now', 'taxi_elt')()) -}}
{% endmacro %}

{% macro default__tlc_landed_files_now() %}
    {#- DuckDB stats the files (read_blob without its content column reads no data). -#}
    {%- set patterns = [] -%}
    {%- if execute -%}
        {%- for taxi in ['green', 'yellow'] -%}
            {%- set location = tlc_checked_location(
                tlc_source_node('tlc', taxi ~ '_tripdata_ext').external.location) -%}
            {%- if run_query("select count(*) from glob('" ~ location ~ "')").columns[0].values()[0] > 0 -%}
                {%- do patterns.append(location) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if patterns | length == 0 -%}
        {{ return("select cast(null as varchar) as filename, cast(null as bigint) as bytes_now where false") }}
    {%- endif -%}
    {#- The patterns passed tlc_checked_location: plain path characters only. -#}
    {{ return("select parse_filename(filename) as filename, size as bytes_now from read_blob(['"
        ~ patterns | join("', '") ~ "'])") }}
{% endmacro %}

{% macro bigquery__tlc_landed_files_now() %}
    {#- BigQuery cannot stat objects: `python -m loader status` checks them (GCS reports each
        object's size and CRC32C for free), so here the manifest's sizes stand in. -#}
    {{ return("select filename, bytes_uncompressed as bytes_now from " ~ ref('stg_tlc__landed_files')) }}
{% endmacro %}
