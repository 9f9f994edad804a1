{#-
    Every landed file of a taxi type is accounted for, row by row: rows landed (the loader's
    count) = rows the warehouse read = rows merged + duplicates removed, the merged content is
    the landed content, the merged table still holds what the merge recorded, and the landed
    file is still the one the loader landed (its size). One row per file that does not
    reconcile, saying what differs. (No quotes in these comments: they run on BigQuery.)
-#}

{% test tlc_reconciles(model, taxi) %}
{%- set taxi = tlc_checked_taxi(taxi) %}
with landed as (

    select
        *,
        -- a file landed while this run was going is merged by the next one
        landed_at > cast(
            '{{ run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") }}' as timestamp
        ) as landed_during_run
    from {{ ref('stg_tlc__landed_files') }}
    where taxi = '{{ taxi }}'

),

landed_now as (

    {{ tlc_landed_files_now(taxi) }}

),

merge_log as (

    select * from {{ source('taxi_elt', 'merge_log') }}
    where taxi = '{{ taxi }}'

),

merged_now as (

    select filename, count(*) as rows_now
    from {{ model }}
    group by filename

),

compared as (

    select
        coalesce(landed.filename, merged_now.filename) as filename,
        landed.rows_landed,
        merge_log.rows_read,
        merge_log.rows_merged,
        merge_log.duplicates_removed,
        coalesce(merged_now.rows_now, 0) as rows_now,
        case
            when landed.landed_during_run
                then null
            when landed.filename is null
                then 'rows merged from a file that is no longer landed: run dbt build --full-refresh'
            when landed_now.filename is null
                then 'the landed file is missing: load the month again'
            when landed_now.bytes_now != landed.bytes_uncompressed
                then 'the landed file changed since it was landed: load the month again'
            when merge_log.filename is null
                then 'landed but not merged'
            when merge_log.file_crc32c != landed.file_crc32c
                then 'the merged content is not the landed content'
            when merge_log.status = 'unreadable'
                then concat('unreadable: ', merge_log.problem)
            when merge_log.rows_read != landed.rows_landed
                then 'the warehouse read a different number of rows than landed'
            when merge_log.duplicates_removed < 0
                then 'more rows merged than read'
            when coalesce(merged_now.rows_now, 0) != merge_log.rows_merged
                then 'the merged table no longer holds the rows the merge recorded'
        end as problem

    from landed
    full outer join merged_now
        on landed.filename = merged_now.filename
    left join landed_now
        on landed_now.filename = landed.filename
    left join merge_log
        on merge_log.filename = coalesce(landed.filename, merged_now.filename)

),

final as (

    select * from compared
    where problem is not null

)

select * from final
{% endtest %}
