{% macro tlc_duckdb_reader(node, location, rejects=none, filename=true) %}
    {#- read_csv / read_json of `location` (a pattern or a list of files) with the source's
        declared columns. CSV columns are read by position with their declared names and
        types, as BigQuery reads them (a release may spell a header differently), and the
        file's path comes as `filename` (unless `filename` is false). With `rejects` ({scan,
        table}), values that do not convert are recorded there instead of failing the query
        (store_rejects). -#}
    {%- set columns = [] -%}
    {%- for column in node.columns.values() if column.name != 'filename' -%}
        {%- do columns.append("'" ~ column.name ~ "': '" ~ column.data_type ~ "'") -%}
    {%- endfor -%}
    {%- set options = [] -%}
    {%- for key, value in (node.external.options or {}).items() -%}
        {%- do options.append(key ~ " = " ~ tlc_duckdb_option(value)) -%}
    {%- endfor -%}
    {%- set source = location if location is string and location.startswith('[')
        else "'" ~ location ~ "'" -%}
    {%- if node.external.file_format == 'parquet' -%}
        {#- The loader writes every parquet file in one canonical schema: read by name. -#}
        {%- set names = [] -%}
        {%- for column in node.columns.values() if column.name != 'filename' -%}
            {%- do names.append(adapter.quote(column.name)) -%}
        {%- endfor -%}
        {{ return("(select " ~ (names + (['filename'] if filename else [])) | join(", ")
            ~ " from read_parquet(" ~ source ~ ", filename = " ~ (filename | string | lower)
            ~ ")) as parquet_file") }}
    {%- endif -%}
    {%- if (node.external.file_format or 'csv') == 'json' -%}
        {{ return("read_json(" ~ source ~ ", " ~ (options + [
            "format = 'newline_delimited'",
            "columns = {" ~ columns | join(", ") ~ "}"]) | join(", ") ~ ")") }}
    {%- endif -%}
    {%- do options.extend([
        "auto_detect = false",
        "filename = " ~ (filename | string | lower),
        "columns = {" ~ columns | join(", ") ~ "}",
    ]) -%}
    {%- if rejects -%}
        {%- do options.extend([
            "store_rejects = true",
            "rejects_scan = '" ~ rejects.scan ~ "'",
            "rejects_table = '" ~ rejects.table ~ "'",
        ]) -%}
    {%- endif -%}
    {{ return("read_csv(" ~ source ~ ", " ~ options | join(", ") ~ ")") }}
{% endmacro %}
