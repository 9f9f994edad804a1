{{
    config(
        pre_hook="{{ tlc_before_merge('yellow') }}",
        post_hook="{{ tlc_after_merge('yellow', 'tpep_pickup_datetime') }}",
        meta={'pickup_column': 'tpep_pickup_datetime'},
        partition_by=tlc_month_partition('tpep_pickup_datetime'),
        cluster_by=tlc_cluster_by(['unique_row_id']),
    )
}}

-- depends_on: {{ source('tlc', 'landed_files') }}
-- depends_on: {{ source('taxi_elt', 'merge_log') }}
-- depends_on: {{ source('tlc', 'yellow_tripdata_ext') }}

{%- set batch = tlc_files_to_merge('yellow', incremental=is_incremental()) %}

with trips as (

    select * from {{ ref('stg_tlc__yellow_trips') }}
    -- only the files of this batch: new files, or files whose content changed
    where {{ tlc_batch_filter('source_uri', batch) }}

),

deduplicated as (

    select *
    from trips
    -- exact duplicates go; when several files of the batch share a row, the first file keeps
    -- it (ordering costs a sort, so only then)
    qualify row_number() over (
        partition by unique_row_id{{ ' order by filename' if batch | length > 1 }}
    ) = 1

),

final as (

    select
        unique_row_id,
        filename,
        VendorID,
        tpep_pickup_datetime,
        tpep_dropoff_datetime,
        passenger_count,
        trip_distance,
        RatecodeID,
        store_and_fwd_flag,
        PULocationID,
        DOLocationID,
        payment_type,
        fare_amount,
        extra,
        mta_tax,
        tip_amount,
        tolls_amount,
        improvement_surcharge,
        total_amount,
        congestion_surcharge

    from deduplicated

)

select * from final
