{% macro create_merge_log() %}
    {#- on-run-start: the table the merged models record their merges in (a merge log of an
        earlier version gains the columns it lacks). -#}
    {%- if execute -%}
        {%- set relation = source('taxi_elt', 'merge_log') -%}
        {%- do run_query("create schema if not exists " ~ relation.without_identifier()) -%}
        {%- do run_query(adapter.dispatch('merge_log_ddl', 'taxi_elt')(relation)) -%}
        {%- set present = adapter.get_columns_in_relation(relation) | map(attribute='name')
            | map('lower') | list -%}
        {%- for column in ['status', 'problem'] if column not in present -%}
            {%- do run_query("alter table " ~ relation ~ " add column " ~ column ~ " "
                ~ ('string' if target.type == 'bigquery' else 'varchar')) -%}
        {%- endfor -%}
    {%- endif -%}
{% endmacro %}

{% macro default__merge_log_ddl(relation) %}
    create table if not exists {{ relation }} (
        taxi varchar not null,
        filename varchar not null,
        file_crc32c varchar not null,
        rows_landed bigint not null,
        rows_read bigint not null,
        rows_merged bigint not null,
        duplicates_removed bigint not null,
        landed_at timestamp,
        merged_at timestamp not null,
        invocation_id varchar,
        pickup_months varchar,
        status varchar,
        problem varchar
    )
{% endmacro %}

{% macro bigquery__merge_log_ddl(relation) %}
    create table if not exists {{ relation }} (
        taxi string not null,
        filename string not null,
        file_crc32c string not null,
        rows_landed int64 not null,
        rows_read int64 not null,
        rows_merged int64 not null,
        duplicates_removed int64 not null,
        landed_at timestamp,
        merged_at timestamp not null,
        invocation_id string,
        pickup_months string,
        status string,
        problem string
    )
{% endmacro %}
