{#-
    Generic tests on the merged tables check what this build changed.

    A merge only adds rows in the pickup months of the files it merged, and a row's key covers
    its pickup time, so a duplicate or a NULL introduced by this build lies in those months.
    When this invocation merged files, `unique` and `not_null` on a merged table read only
    those months (all their rows, old and new), and their cost follows the new data, not the
    table's size. Earlier months were proved by the builds that merged them. A build that
    merged nothing, `dbt test` on its own, and `--vars '{full_tests: true}'` test everything.

    This overrides dbt's default__get_where_subquery (the relation a generic test reads) and
    keeps its `where` config. The project overrides one other dbt internal: DuckDB's
    unique test (duckdb__test_unique.sql).
-#}

{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set test_name = ((model or {}).get('test_metadata') or {}).get('name') -%}
    {%- set scope = tlc_test_scope(relation) if test_name in ['unique', 'not_null'] else '' -%}
    {%- set predicates = [where] if where else [] -%}
    {%- if scope -%}{%- do predicates.append(scope) -%}{%- endif -%}
    {%- if predicates -%}
        {%- do return("(select * from " ~ relation ~ " where (" ~ predicates | join(") and (") ~ ")) dbt_subquery") -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}
