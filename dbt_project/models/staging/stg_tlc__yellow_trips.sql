with source as (

    select *{{ tlc_source_file_column() }} from {{ source('tlc', 'yellow_tripdata_ext') }}

),

keyed as (

    select
        {{ surrogate_key(tlc_trip_columns('yellow')) }} as unique_row_id,
        {{ file_basename('filename') }} as filename,
        filename as source_uri,
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

    from source

)

select * from keyed
