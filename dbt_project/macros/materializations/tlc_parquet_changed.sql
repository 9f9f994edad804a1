{% macro tlc_parquet_changed(file) %}
    {#- '' while the landed parquet file is the size the loader wrote (manifest
        bytes_uncompressed), else why not: gone, or changed after it was landed. DuckDB stats
        it (read_blob without its content reads no data). -#}
    {%- set found = run_query("select count(*) from glob('" ~ file.uri ~ "')").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ return("the file is gone from the landing") }}
    {%- endif -%}
    {%- set size = run_query("select size from read_blob('" ~ file.uri ~ "')").columns[0].values()[0] | int -%}
    {%- if size != file.bytes -%}
        {{ return("its size is " ~ size ~ " bytes where the loader wrote " ~ file.bytes
            ~ ": it changed after it was landed") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
