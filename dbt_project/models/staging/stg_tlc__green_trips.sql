with source as (

    select *{{ tlc_source_file_column() }} from {{ source('tlc', 'green_tripdata_ext') }}

),

keyed as (

    select
        {{ surrogate_key(tlc_trip_columns('green')) }} as unique_row_id,
        {{ file_basename('filename') }} as filename,
        filename as source_uri,
        VendorID,
        lpep_pickup_datetime,
        lpep_dropoff_datetime,
        store_and_fwd_flag,
        RatecodeID,
        PULocationID,
        DOLocationID,
        passenger_count,
        trip_distance,
        fare_amount,
        extra,
        mta_tax,
        tip_amount,
        tolls_amount,
        ehail_fee,
        improvement_surcharge,
        total_amount,
        payment_type,
        trip_type,
        congestion_surcharge

    from source

)

select * from keyed
