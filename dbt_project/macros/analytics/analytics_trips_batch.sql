{% macro analytics_trips_batch() %}
    {#- What an incremental build of fct_trips (this model) does, per file:
        {'refresh': files whose latest merge (merge_log, status merged, rows kept) is newer
        than the file_merged_at fct_trips holds for them, or that fct_trips lacks;
        'gone': files fct_trips holds that the merged tables no longer do}, each a list of
        [service_type, filename]. No pickup watermark: a month landed late is a new file.
        Empty lists on a first build or a full refresh (and at parse time). -#}
    {%- set batch = {'refresh': [], 'gone': []} -%}
    {%- if not execute or not is_incremental() -%}{{ return(batch) }}{%- endif -%}
    {%- set query -%}
        with logged as (
            select taxi as service_type, filename, max(merged_at) as merged_at
            from {{ source('taxi_elt', 'merge_log') }}
            where status = 'merged' and rows_merged > 0
            group by taxi, filename
        ),
        stored as (
            select service_type, filename, max(file_merged_at) as file_merged_at
            from {{ this }}
            group by service_type, filename
        ),
        present as (
            select service_type, filename
            from {{ ref('int_trips_unioned') }}
            group by service_type, filename
        )
        select 'refresh' as reason, logged.service_type, logged.filename
        from logged
        left join stored
            on logged.service_type = stored.service_type and logged.filename = stored.filename
        where stored.filename is null or logged.merged_at > stored.file_merged_at
        union all
        select 'gone' as reason, stored.service_type, stored.filename
        from stored
        left join present
            on stored.service_type = present.service_type and stored.filename = present.filename
        where present.filename is null
        order by 1, 2, 3
    {%- endset -%}
    {%- for row in run_query(query).rows -%}
        {%- do batch[row[0]].append([tlc_checked_taxi(row[1]), row[2]]) -%}
    {%- endfor -%}
    {{ return(batch) }}
{% endmacro %}
