{% macro tlc_swap_in(taxi, target_relation, build_relation, existing, merge_log, log_relation) %}
    {#- The statements by which a rebuilt table replaces the old one, and its log rows the
        taxi's old ones. -#}
    {{ return(adapter.dispatch('tlc_swap_in', 'taxi_elt')(taxi, target_relation, build_relation,
        existing, merge_log, log_relation)) }}
{% endmacro %}


{% macro default__tlc_swap_in(taxi, target_relation, build_relation, existing, merge_log, log_relation) %}
    {#- DuckDB: a drop and a rename, in the transaction that also swaps the log rows. -#}
    {%- set statements = [] -%}
    {%- if existing is not none -%}
        {%- do statements.append("drop " ~ ("view" if existing.is_view else "table")
            ~ " if exists " ~ existing) -%}
    {%- endif -%}
    {%- do statements.append("alter table " ~ build_relation ~ " rename to "
        ~ adapter.quote(target_relation.identifier)) -%}
    {%- do statements.append("delete from " ~ merge_log ~ " where taxi = '" ~ taxi ~ "'") -%}
    {%- do statements.append("insert into " ~ merge_log ~ " select * from " ~ log_relation) -%}
    {{ return(statements) }}
{% endmacro %}


{% macro bigquery__tlc_swap_in(taxi, target_relation, build_relation, existing, merge_log, log_relation) %}
    {#- BigQuery: `create or replace table ... as select` replaces the table atomically (a
        rename would leave a moment without it; readers of the old table are never broken).
        It reads the rebuilt table once, as dbt-bigquery's own full refresh does. -#}
    {%- set statements = [] -%}
    {%- if existing is not none and existing.is_view -%}
        {%- do statements.append("drop view if exists " ~ existing) -%}
    {%- endif -%}
    {%- do statements.append(tlc_merged_table_ddl(taxi, target_relation, as_select="select * from " ~ build_relation)) -%}
    {%- do statements.append("drop table if exists " ~ build_relation) -%}
    {%- do statements.append("delete from " ~ merge_log ~ " where taxi = '" ~ taxi ~ "'") -%}
    {%- do statements.append("insert into " ~ merge_log ~ " select * from " ~ log_relation) -%}
    {{ return(statements) }}
{% endmacro %}
