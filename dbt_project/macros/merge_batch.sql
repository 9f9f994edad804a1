{#-
    Which landed files a merged model reads in this run, and the bookkeeping around the merge.

    The batch is every file the manifest lists (landed before this run started) whose content
    (checksum) is not in the merge log yet; on a first build or --full-refresh, every landed
    file. The model, its pre-hook and its post-hook all evaluate the same rule, so they agree
    on the batch even if the loader lands more files while dbt runs.
-#}

{% macro tlc_files_to_merge(taxi, incremental) %}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set cutoff = run_started_at.strftime('%Y-%m-%d %H:%M:%S.%f') -%}
    {%- set query -%}
        select
            landed.file,
            landed.crc32c,
            landed.rows,
            {{ tlc_timestamp_text('landed.landed_at') }} as landed_at,
            merged.file_crc32c as merged_crc32c,
            coalesce(merged.duplicates_removed, 0) as duplicates_removed
        from {{ source('tlc', 'landed_files') }} as landed
        left join {{ source('taxi_elt', 'merge_log') }} as merged
            on merged.taxi = landed.taxi and merged.filename = landed.file
        where
            landed.taxi = '{{ tlc_checked_taxi(taxi) }}'
            and landed.landed_at <= cast('{{ cutoff }}' as timestamp)
        order by landed.file
    {%- endset -%}
    {%- set landed = [] -%}
    {%- for row in run_query(query).rows -%}
        {#- Manifest values become SQL literals: accept only what the loader writes. -#}
        {%- if not modules.re.fullmatch(taxi ~ '_tripdata_[0-9]{4}-[0-9]{2}[.]csv', row[0])
            or not modules.re.fullmatch('[A-Za-z0-9+/]{6}==', row[1])
            or not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+', row[3]) -%}
            {{ exceptions.raise_compiler_error(
                "the manifest has an unexpected record (" ~ (row[0] | string)[:60] ~ "); "
                ~ "fix or purge it with the loader") }}
        {%- endif -%}
        {%- do landed.append({
            'file': row[0],
            'uri': tlc_file_uri(taxi, row[0]),
            'crc32c': row[1],
            'rows': row[2] | int,
            'landed_at': row[3],
            'merged_before': row[4] is not none,
            'current': row[4] == row[1],
            'duplicates': row[5] | int,
        }) -%}
    {%- endfor -%}
    {%- if not incremental -%}{{ return(landed) }}{%- endif -%}
    {%- set batch = landed | rejectattr('current') | list -%}
    {%- if batch | selectattr('merged_before') | list -%}
        {#- A file's content changed: its old rows go. A row it shared with another file was
            kept under its name and dropped from the other as a duplicate, so files that had
            duplicates are merged again with it (their rows removed and merged afresh). -#}
        {%- do batch.extend(landed | selectattr('current') | selectattr('duplicates') | list) -%}
    {%- endif -%}
    {{ return(batch | sort(attribute='file')) }}
{% endmacro %}


{% macro tlc_batch_filter(column, files, key='uri') %}
    {#- `column in (<literal list>)`: literals let the engine skip every other file. -#}
    {%- if files | length == 0 -%}
        {{ return("false") }}
    {%- endif -%}
    {{ return(column ~ " in " ~ tlc_string_list(files | map(attribute=key) | list)) }}
{% endmacro %}


{% macro tlc_before_merge(taxi) %}
    {#- Pre-hook. A full build starts the taxi's merge log afresh. An incremental build first
        removes the rows of the batch's files merged before (changed content, and the files
        merged again with it), so they are replaced whole. A file merged but not yet logged
        (a crash between the merge and its post-hook, on BigQuery) is merged again; its rows
        match by key. -#}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- if not is_incremental() -%}
        {{ return("delete from " ~ source('taxi_elt', 'merge_log') ~ " where taxi = '" ~ tlc_checked_taxi(taxi) ~ "'") }}
    {%- endif -%}
    {%- set changed = tlc_files_to_merge(taxi, incremental=true) | selectattr('merged_before') | list -%}
    {%- if changed | length == 0 -%}{{ return('') }}{%- endif -%}
    {{ return("delete from " ~ this ~ " where " ~ tlc_batch_filter('filename', changed, key='file')) }}
{% endmacro %}


{% macro tlc_after_merge(taxi, pickup_column) %}
    {#- Post-hook, in the merge's transaction on DuckDB: record per file the rows landed, the
        rows the external table returned and the rows the merged table now holds. One pass
        over the batch's files counts rows per file and pickup month; the months bound the
        count on the merged table (only those partitions are read). -#}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set files = tlc_files_to_merge(taxi, incremental=true) -%}
    {%- if files | length == 0 -%}{{ return('') }}{%- endif -%}
    {%- set read_query -%}
        select source_uri, {{ tlc_month_start(pickup_column) }} as pickup_month, count(*) as row_count
        from {{ ref('stg_tlc__' ~ taxi ~ '_trips') }}
        where {{ tlc_batch_filter('source_uri', files) }}
        group by 1, 2
    {%- endset -%}
    {%- set rows_read = {} -%}
    {%- set months = [] -%}
    {%- set file_months = {} -%}
    {%- for row in run_query(read_query).rows -%}
        {%- do rows_read.update({row[0]: rows_read.get(row[0], 0) + (row[2] | int)}) -%}
        {%- do months.append(row[1]) -%}
        {%- do file_months.setdefault(row[0], []).append(
            'null' if row[1] is none else row[1].strftime('%Y-%m')) -%}
    {%- endfor -%}
    {%- set merge_log = source('taxi_elt', 'merge_log') -%}
    {%- set batch_rows = [] -%}
    {%- for file in files -%}
        {%- do batch_rows.append(
            "select '" ~ taxi ~ "' as taxi, '" ~ file.file ~ "' as filename, '" ~ file.crc32c
            ~ "' as file_crc32c, " ~ file.rows ~ " as rows_landed, "
            ~ rows_read.get(file.uri, 0) ~ " as rows_read, cast('" ~ file.landed_at
            ~ "' as timestamp) as landed_at, '" ~ file_months.get(file.uri, []) | sort | join(',')
            ~ "' as pickup_months") -%}
    {%- endfor -%}
    {%- set sql -%}
        delete from {{ merge_log }}
        where taxi = '{{ taxi }}' and {{ tlc_batch_filter('filename', files, key='file') }};

        insert into {{ merge_log }} (
            taxi, filename, file_crc32c, rows_landed, rows_read, rows_merged,
            duplicates_removed, landed_at, merged_at, invocation_id, pickup_months
        )
        with batch as (
            {{ batch_rows | join("\n            union all\n            ") }}
        ),

        merged_counts as (
            select filename, count(*) as rows_merged
            from {{ this }}
            where
                {{ tlc_batch_filter('filename', files, key='file') }}
                and {{ tlc_month_ranges(pickup_column, months) }}
            group by filename
        )

        select
            batch.taxi,
            batch.filename,
            batch.file_crc32c,
            batch.rows_landed,
            batch.rows_read,
            coalesce(merged_counts.rows_merged, 0),
            batch.rows_read - coalesce(merged_counts.rows_merged, 0),
            batch.landed_at,
            cast('{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp),
            '{{ invocation_id }}',
            batch.pickup_months
        from batch
        left join merged_counts on batch.filename = merged_counts.filename
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}


{% macro create_merge_log() %}
    {#- on-run-start: the table the merged models record their merges in. -#}
    {%- if execute -%}
        {%- set relation = source('taxi_elt', 'merge_log') -%}
        {%- do run_query("create schema if not exists " ~ relation.without_identifier()) -%}
        {%- do run_query(adapter.dispatch('merge_log_ddl', 'taxi_elt')(relation)) -%}
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
        pickup_months varchar
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
        pickup_months string
    )
{% endmacro %}
