{% macro tlc_parquet_files_intact(location) %}
    {#- The parquet files `location` matches that are the size the manifest records (the bytes
        the loader wrote), sorted; DuckDB stats them without reading them. -#}
    {%- set manifest = tlc_manifest_source() -%}
    {%- set records = tlc_checked_location(manifest.external.location) -%}
    {%- if run_query("select count(*) from glob('" ~ records ~ "')").columns[0].values()[0] == 0 -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select landed.filename
        from read_blob('{{ location }}') as landed
        inner join {{ tlc_duckdb_reader(manifest, records, filename=false) }} as record
            on record.file = parse_filename(landed.filename)
            and record.bytes_uncompressed = landed.size
        order by landed.filename
    {%- endset -%}
    {#- The names come from the file system into the view's SQL: plain path characters only
        (anything else is left out of the view; its manifest record is refused anyway). -#}
    {%- set files = [] -%}
    {%- for name in run_query(query).columns[0].values()
        if modules.re.fullmatch('[A-Za-z0-9_./+-]{1,1024}', name) -%}
        {%- do files.append(name) -%}
    {%- endfor -%}
    {{ return(files) }}
{% endmacro %}
