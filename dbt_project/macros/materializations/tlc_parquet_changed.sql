{% macro tlc_parquet_changed(file) %}
    {#- '' while the landed parquet file is the one the loader wrote, else why not: gone, or
        changed after it was landed. Its size first (a stat: read_blob without its content
        reads no data), then its MD5 where the manifest has it (one read of the file's bytes,
        cheap beside parsing them; a file damaged in place keeps its size). -#}
    {%- set found = run_query("select count(*) from glob('" ~ file.uri ~ "')").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ return("the file is gone from the landing") }}
    {%- endif -%}
    {%- set size = run_query("select size from read_blob('" ~ file.uri ~ "')").columns[0].values()[0] | int -%}
    {%- if size != file.bytes -%}
        {{ return("its size is " ~ size ~ " bytes where the loader wrote " ~ file.bytes
            ~ ": it changed after it was landed") }}
    {%- endif -%}
    {%- if file.md5 -%}
        {%- set md5 = run_query("select md5(content) from read_blob('" ~ file.uri ~ "')").columns[0].values()[0] -%}
        {%- if md5 != file.md5 -%}
            {{ return("its content changed after it was landed (MD5 " ~ md5 ~ ", the loader wrote "
                ~ file.md5 ~ ")") }}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
