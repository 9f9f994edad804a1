{% macro create_merge_log() %}
    {#- on-run-start: the table the merged models record their merges in (a merge log of an
        earlier version gains the columns it lacks). The types are words both engines know:
        BigQuery reads bigint as INT64, DuckDB string as VARCHAR. -#}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set relation = source('taxi_elt', 'merge_log') -%}
    {%- set ddl -%}
        create table if not exists {{ relation }} (
            taxi string not null,
            filename string not null,
            file_crc32c string not null,
            rows_landed bigint not null,
            rows_read bigint not null,
            rows_merged bigint not null,
            duplicates_removed bigint not null,
            landed_at timestamp,
            merged_at timestamp not null,
            invocation_id string,
            pickup_months string,
            status string,
            problem string
        )
    {%- endset -%}
    {%- do run_query("create schema if not exists " ~ relation.without_identifier()) -%}
    {%- do run_query(ddl) -%}
    {%- set present = adapter.get_columns_in_relation(relation) | map(attribute='name')
        | map('lower') | list -%}
    {%- for column in ['status', 'problem'] if column not in present -%}
        {%- do run_query("alter table " ~ relation ~ " add column " ~ column ~ " string") -%}
    {%- endfor -%}
{% endmacro %}
