{% macro tlc_refuse_missing_files(taxi) %}
    {#- No build may lose merged rows for want of the files they came from. When merge_log
        records merged files of the taxi that the landing's manifest no longer lists (a wrong
        LANDING_URI, an unmounted folder, an empty bucket prefix, a typo, a purge), a full
        refresh or first build would rebuild the table without them: refuse before anything
        changes, naming where the landing was looked for and what was expected. An incremental
        build refuses too (what it would report is the same mistake). The var
        allow_missing_files rebuilds without them on purpose, after a purge. -#}
    {%- if var('allow_missing_files', false) -%}{{ return(none) }}{%- endif -%}
    {%- set taxi = tlc_checked_taxi(taxi) -%}
    {%- set merge_log = source('taxi_elt', 'merge_log') -%}
    {%- set landed_files = source('tlc', 'landed_files') -%}
    {%- set query -%}
        select
            merged.filename,
            (select count(*) from {{ landed_files }} as landed where landed.taxi = '{{ taxi }}') as landed
        from {{ merge_log }} as merged
        where
            merged.taxi = '{{ taxi }}'
            and coalesce(merged.status, 'merged') = 'merged'
            and not exists (
                select 1 from {{ landed_files }} as landed
                where landed.taxi = merged.taxi and landed.file = merged.filename
            )
        order by merged.filename
    {%- endset -%}
    {%- set missing = run_query(query).rows -%}
    {%- if missing | length == 0 -%}{{ return(none) }}{%- endif -%}
    {%- set names = missing | map(attribute=0) | map('string') | map('truncate', 60, true, '...', 0) | list -%}
    {%- set shown = names[:3] | join(', ') ~ (' and ' ~ (names | length - 3) ~ ' more' if names | length > 3 else '') -%}
    {%- set records = tlc_checked_location(tlc_manifest_source().external.location) -%}
    {%- set landing = records.rsplit('/_manifest/', 1)[0] -%}
    {{ exceptions.raise_compiler_error(
        this.identifier ~ ": refused, nothing changed: merge_log records " ~ names | length
        ~ " merged " ~ taxi ~ " file(s) that the landing " ~ landing ~ " does not hold (its manifest lists "
        ~ missing[0][1] ~ " " ~ taxi ~ " file(s)); missing " ~ shown ~ ". Check LANDING_URI "
        ~ "(and that the folder or bucket is there), or load them again; to drop their rows on purpose: "
        ~ "dbt build --full-refresh --select " ~ this.identifier ~ " --vars 'allow_missing_files: true'") }}
{% endmacro %}
