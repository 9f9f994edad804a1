-- fct_trips holds, per service type and file, as many rows as the merged tables, which hold
-- what the merge log recorded as merged: one row per file where the three differ.

with trips as (

    select * from {{ ref('fct_trips') }}

),

merged_trips as (

    select * from {{ ref('int_trips_unioned') }}

),

merge_log as (

    select * from {{ source('taxi_elt', 'merge_log') }}

),

in_fct_trips as (

    select
        service_type,
        filename,
        count(*) as fct_rows

    from trips
    group by service_type, filename

),

in_merged_tables as (

    select
        service_type,
        filename,
        count(*) as merged_rows

    from merged_trips
    group by service_type, filename

),

logged as (

    select
        taxi as service_type,
        filename,
        sum(rows_merged) as logged_rows

    from merge_log
    where status = 'merged'
    group by taxi, filename

),

compared as (

    select
        coalesce(
            in_fct_trips.service_type, in_merged_tables.service_type, logged.service_type
        ) as service_type,
        coalesce(in_fct_trips.filename, in_merged_tables.filename, logged.filename) as filename,
        coalesce(in_fct_trips.fct_rows, 0) as fct_rows,
        coalesce(in_merged_tables.merged_rows, 0) as merged_rows,
        coalesce(logged.logged_rows, 0) as logged_rows

    from in_fct_trips
    full outer join in_merged_tables
        on
            in_fct_trips.service_type = in_merged_tables.service_type
            and in_fct_trips.filename = in_merged_tables.filename
    full outer join logged
        on
            coalesce(in_fct_trips.service_type, in_merged_tables.service_type)
            = logged.service_type
            and coalesce(in_fct_trips.filename, in_merged_tables.filename) = logged.filename

),

final as (

    select * from compared
    where fct_rows != merged_rows or merged_rows != logged_rows

)

select * from final
