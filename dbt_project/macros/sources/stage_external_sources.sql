{#-
    Create the external tables over the landing: every source with an `external:` block.

    Plan, then execute: tlc_external_build_plan returns each source's statements and this one
    place runs them. Runs at the start of every dbt run (on-run-start) and as
    `dbt run-operation stage_external_sources --args "select: tlc.green_tripdata_ext"` with
    `--vars "ext_full_refresh: true"`, as dbt-external-tables' does: `select` names sources
    (source.table or source, space-separated); without ext_full_refresh a BigQuery external
    table that exists is kept (DuckDB views are always replaced: they cost nothing).

    With the var `tlc_external_tables: false` nothing is created: a BigQuery emulator without
    external tables stages each `*_ext` as a native table of its own (tests/bigquery).
-#}

{% macro stage_external_sources(select=none) %}
    {%- if not execute or not var('tlc_external_tables', true) -%}{{ return('') }}{%- endif -%}
    {%- set wanted = (select or '').split() -%}
    {%- for node in graph.sources.values() if node.external and node.external.location -%}
        {%- if not wanted or node.source_name in wanted
            or (node.source_name ~ '.' ~ node.name) in wanted -%}
            {%- for statement in tlc_external_build_plan(node) -%}
                {%- do run_query(statement) -%}
            {%- endfor -%}
            {%- do log("staged " ~ node.source_name ~ "." ~ node.name, info=false) -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
