{% macro tlc_parquet_changed(file) %}
    {#- '' while the landed parquet file is the one the loader wrote, else why not: gone, or
        changed after it was landed: its size, and its MD5 where the manifest has it (a file
        damaged in place keeps its size; one read of its bytes, cheap beside parsing them). -#}
    {%- set found = run_query("select count(*) from glob('" ~ file.uri ~ "')").columns[0].values()[0] -%}
    {%- if found == 0 -%}
        {{ return("the file is gone from the landing") }}
    {%- endif -%}
    {#- With the manifest's MD5, one read gives both (the bytes are read anyway when the size
        matches, and a size that does not is rare). -#}
    {%- set row = run_query("select size, " ~ ("md5(content)" if file.md5 else "null")
        ~ " from read_blob('" ~ file.uri ~ "')").rows[0] -%}
    {%- if row[0] | int != file.bytes -%}
        {{ return("its size is " ~ row[0] ~ " bytes where the loader wrote " ~ file.bytes
            ~ ": it changed after it was landed") }}
    {%- endif -%}
    {%- if file.md5 and row[1] != file.md5 -%}
        {{ return("its content changed after it was landed (MD5 " ~ row[1] ~ ", the loader wrote "
            ~ file.md5 ~ ")") }}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
