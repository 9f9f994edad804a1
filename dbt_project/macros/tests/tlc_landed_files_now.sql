{% macro tlc_landed_files_now(taxi) %}
    {#- One row per landed file of a taxi type as it is now: (filename, bytes_now). -#}
    {{- return(adapter.dispatch('tlc_landed_files_now', 'taxi_elt')(taxi)) -}}
{% endmacro %}

{% macro default__tlc_landed_files_now(taxi) %}
    {#- DuckDB stats the files (read_blob without its content column reads no data). -#}
    {%- set selects = ["select cast(null as varchar) as filename, cast(null as bigint) as bytes_now where false"] -%}
    {%- if execute -%}
        {%- set spec = tlc_taxi(taxi) -%}
        {%- for node in [spec.source, spec.parquet] if node -%}
            {%- set location = tlc_checked_location(node.external.location) -%}
            {%- if run_query("select count(*) from glob('" ~ location ~ "')").columns[0].values()[0] > 0 -%}
                {%- do selects.append("select parse_filename(filename) as filename, size as bytes_now from read_blob('"
                    ~ location ~ "')") -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return(selects | join("\nunion all\n")) }}
{% endmacro %}

{% macro bigquery__tlc_landed_files_now(taxi) %}
    {#- BigQuery cannot stat objects: `python -m loader status` checks them (GCS reports each
        object's size and CRC32C for free), so here the manifest's sizes stand in. -#}
    {{ return("select filename, bytes_uncompressed as bytes_now from " ~ ref('stg_tlc__landed_files')
        ~ " where taxi = '" ~ taxi ~ "'") }}
{% endmacro %}
