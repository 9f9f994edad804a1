{% macro tlc_merged_table_ddl(taxi, relation, as_select=none) %}
    {#- A merged table: unique_row_id, filename and the taxi's columns, typed, empty; or, with
        `as_select`, replacing any table of that name with the select's rows and columns. On BigQuery
        partitioned by pickup month (real files carry pickups from 2008 to 2041: daily
        partitions would burn the partition quota) and clustered by unique_row_id. -#}
    {%- set spec = tlc_taxi(taxi) -%}
    {#- DuckDB: md5 hex never compresses, and analysing it costs 0.3 s a 2 M-row file. -#}
    {%- set raw = "" if target.type == 'bigquery' else " using compression uncompressed" -%}
    {%- set columns = ["unique_row_id string" ~ raw ~ " not null", "filename string not null"] -%}
    {%- for column in spec.columns -%}
        {%- do columns.append(adapter.quote(column.name) ~ " " ~ tlc_warehouse_type(column.data_type)) -%}
    {%- endfor -%}
    {%- if as_select -%}
        {%- set ddl = "create or replace table " ~ relation -%}
    {%- else -%}
        {%- set ddl = "create table " ~ relation ~ " (\n    " ~ columns | join(",\n    ") ~ "\n)" -%}
    {%- endif -%}
    {%- if target.type == 'bigquery' -%}
        {%- set ddl = ddl ~ "\npartition by " ~ tlc_month_start(adapter.quote(spec.pickup_column))
            ~ "\ncluster by unique_row_id" -%}
    {%- endif -%}
    {{ return(ddl ~ ("\nas " ~ as_select if as_select else "")) }}
{% endmacro %}
