-- Every merged trip of every taxi type with readable codes and zones. Incremental per
-- landed file (macros/analytics/analytics_trips_batch.sql): the pre-hook deletes the rows
-- of the files merged again since and of files gone; the batch files are inserted.

{{ config(
    incremental_strategy='merge' if target.type == 'bigquery' else 'append',
    partition_by={'field': 'pickup_month', 'data_type': 'date', 'granularity': 'month'}
        if target.type == 'bigquery' else none,
    cluster_by=['service_type', 'pickup_location_id'] if target.type == 'bigquery' else none,
    pre_hook="{{ analytics_trips_pre_hook() }}",
) }}

{%- set batch = analytics_trips_batch() %}
{%- if not execute or model.resource_type != 'model' %}
    {#- parsing, or a unit test: nothing to say -#}
{%- elif is_incremental() %}
    {%- do log('fct_trips batch: ' ~ batch.refresh | length ~ ' file(s) to insert '
        ~ batch.refresh | tojson ~ ', ' ~ batch.gone | length ~ ' gone '
        ~ batch.gone | tojson, info=true) %}
{%- else %}
    {%- do log('fct_trips: built whole (a first build or a full refresh)', info=true) %}
{%- endif %}

with trips as (

    select * from {{ ref('int_trips_unioned') }}
    {%- if is_incremental() %}
    where {{ analytics_trips_batch_filter(batch.refresh) }}
    {%- endif %}

),

merge_log as (

    select * from {{ source('taxi_elt', 'merge_log') }}

),

zones as (

    select * from {{ ref('dim_zones') }}

),

vendors as (

    select * from {{ ref('vendors') }}

),

rate_codes as (

    select * from {{ ref('rate_codes') }}

),

payment_types as (

    select * from {{ ref('payment_types') }}

),

trip_types as (

    select * from {{ ref('trip_types') }}

),

file_merges as (

    select
        taxi as service_type,
        filename,
        max(merged_at) as file_merged_at

    from merge_log
    where status = 'merged'
    group by taxi, filename

),

final as (

    select
        trips.unique_row_id,
        trips.service_type,
        trips.filename,
        file_merges.file_merged_at,
        trips.vendor_id,
        vendors.vendor_name,
        trips.pickup_at,
        trips.dropoff_at,
        cast({{ dbt.date_trunc('month', 'trips.pickup_at') }} as date) as pickup_month,
        cast(
            {{ dbt.datediff('trips.pickup_at', 'trips.dropoff_at', 'second') }}
            as {{ dbt.type_bigint() }}
        ) as trip_duration_seconds,
        trips.pickup_location_id,
        pickup_zones.borough as pickup_borough,
        pickup_zones.zone as pickup_zone,
        trips.dropoff_location_id,
        dropoff_zones.borough as dropoff_borough,
        dropoff_zones.zone as dropoff_zone,
        trips.store_and_fwd_flag,
        trips.rate_code_id,
        rate_codes.description as rate_code_description,
        trips.passenger_count,
        trips.trip_distance,
        trips.trip_type,
        trip_types.description as trip_type_description,
        trips.payment_type,
        payment_types.description as payment_type_description,
        trips.fare_amount,
        trips.extra,
        trips.mta_tax,
        trips.tip_amount,
        trips.tolls_amount,
        trips.ehail_fee,
        trips.improvement_surcharge,
        trips.congestion_surcharge,
        trips.airport_fee,
        trips.total_amount

    from trips
    left join file_merges
        on
            trips.service_type = file_merges.service_type
            and trips.filename = file_merges.filename
    left join vendors
        on trips.vendor_id = vendors.vendor_id
    left join zones as pickup_zones
        on trips.pickup_location_id = pickup_zones.location_id
    left join zones as dropoff_zones
        on trips.dropoff_location_id = dropoff_zones.location_id
    left join rate_codes
        on trips.rate_code_id = rate_codes.rate_code_id
    left join trip_types
        on trips.trip_type = trip_types.trip_type
    left join payment_types
        on trips.payment_type = payment_types.payment_type

)

select * from final
