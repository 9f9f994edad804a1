{% macro tlc_files_to_merge(taxi, incremental) %}
    {#- The batch of a merged model: every file the manifest lists (landed before this run
        started) whose content (checksum) is not merged yet; on a first build or
        --full-refresh, every landed file. A file the warehouse could not read last time is in
        the batch again. Manifest values become SQL literals: only what the loader writes
        passes.

        When a merged file's content changed, its old rows go. A row it shared with another
        file was kept under one name and dropped from the other as a duplicate, so files that
        had duplicates are merged again with it (their rows removed and merged afresh). -#}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set taxi = tlc_checked_taxi(taxi) -%}
    {#- A run, build or retry stages both at its start (on-run-start, which dbt's relation
        cache does not see); `dbt compile` or `show` on a fresh warehouse finds neither yet. -#}
    {%- set staged_at_start = flags.WHICH in ['run', 'build', 'retry'] -%}
    {%- if not staged_at_start and load_relation(source('tlc', 'landed_files')) is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set logged = staged_at_start or load_relation(source('taxi_elt', 'merge_log')) is not none -%}
    {%- set cutoff = run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
    {%- set query -%}
        select
            landed.file,
            landed.crc32c,
            landed.rows,
            {{ tlc_timestamp_text('landed.landed_at') }} as landed_at,
            landed.bytes_uncompressed,
            landed.md5,
            {%- if logged %}
            merged.file_crc32c as merged_crc32c,
            coalesce(merged.duplicates_removed, 0) as duplicates_removed,
            coalesce(merged.status, 'merged') as merged_status
            {%- else %}
            null as merged_crc32c, 0 as duplicates_removed, 'merged' as merged_status
            {%- endif %}
        from {{ source('tlc', 'landed_files') }} as landed
        {%- if logged %}
        left join {{ source('taxi_elt', 'merge_log') }} as merged
            on merged.taxi = landed.taxi and merged.filename = landed.file
        {%- endif %}
        where
            landed.taxi = '{{ taxi }}'
            and landed.landed_at <= cast('{{ cutoff }}' as timestamp)
        order by landed.file
    {%- endset -%}
    {%- set landed = [] -%}
    {%- for row in run_query(query).rows -%}
        {%- set name = modules.re.fullmatch(taxi ~ '_tripdata_([0-9]{4}-[0-9]{2})[.](csv|parquet)', row[0]) -%}
        {%- if not name
            or not modules.re.fullmatch('[A-Za-z0-9+/]{6}==', row[1])
            or not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+', row[3])
            or (row[5] is not none and not modules.re.fullmatch('[0-9a-f]{32}', row[5])) -%}
            {{ exceptions.raise_compiler_error(
                "the manifest has an unexpected record (" ~ (row[0] | string)[:60] ~ "); "
                ~ "fix or purge it with the loader") }}
        {%- endif -%}
        {%- set merged = row[6] is not none and row[8] == 'merged' -%}
        {%- do landed.append({
            'file': row[0],
            'month': name.group(1),
            'format': name.group(2),
            'uri': tlc_file_uri(taxi, row[0]),
            'crc32c': row[1],
            'rows': row[2] | int,
            'landed_at': row[3],
            'merged_before': merged,
            'current': merged and row[6] == row[1],
            'duplicates': row[7] | int,
            'bytes': row[4] | int,
            'md5': row[5],
        }) -%}
    {%- endfor -%}
    {%- if not incremental -%}{{ return(landed) }}{%- endif -%}
    {%- set batch = landed | rejectattr('current') | list -%}
    {%- if batch | selectattr('merged_before') | list -%}
        {%- do batch.extend(landed | selectattr('current') | selectattr('duplicates') | list) -%}
    {%- endif -%}
    {{ return(batch | sort(attribute='file')) }}
{% endmacro %}
