{% macro tlc_parquet_changed(file) %}
    {#- '' while the landed parquet file is the one the loader wrote, else why not: gone, or
        changed after it was landed: its size (a stat), and its MD5 where the manifest has it
        (a file damaged in place keeps its size). The MD5 of a local file comes from the
        profile's plugin (loader/duckdb_plugin.py), which reads it in pieces; DuckDB's own
        md5(content) holds the whole file, so it serves only where the plugin cannot (a gs://
        landing, a profile without the plugin). -#}
    {%- set found = run_query("select count(*) from glob('" ~ file.uri ~ "')").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ return("the file is gone from the landing") }}
    {%- endif -%}
    {%- set size = run_query("select size from read_blob('" ~ file.uri ~ "')").columns[0].values()[0] -%}
    {%- if size | int != file.bytes -%}
        {{ return("its size is " ~ size ~ " bytes where the loader wrote " ~ file.bytes
            ~ ": it changed after it was landed") }}
    {%- endif -%}
    {%- if not file.md5 -%}{{ return('') }}{%- endif -%}
    {%- set plugin = not file.uri.startswith('gs://') and run_query(
        "select count(*) from duckdb_functions() where function_name = 'tlc_file_md5'"
        ).columns[0].values()[0] > 0 -%}
    {%- set md5 = run_query("select tlc_file_md5('" ~ file.uri ~ "')" if plugin
        else "select md5(content) from read_blob('" ~ file.uri ~ "')").columns[0].values()[0] -%}
    {%- if md5 is none -%}
        {{ return("the file cannot be read to check its MD5") }}
    {%- endif -%}
    {%- if md5 != file.md5 -%}
        {{ return("its content changed after it was landed (MD5 " ~ md5 ~ ", the loader wrote "
            ~ file.md5 ~ ")") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
