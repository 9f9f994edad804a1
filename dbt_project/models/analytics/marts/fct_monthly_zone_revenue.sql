{%- set money = tlc_warehouse_type('numeric(18,2)') -%}

with trips as (

    select * from {{ ref('fct_trips') }}

),

final as (

    select
        pickup_month,
        service_type,
        pickup_location_id,
        pickup_borough,
        pickup_zone,
        count(*) as trips,
        cast(sum(fare_amount) as {{ money }}) as fare_amount,
        cast(sum(extra) as {{ money }}) as extra,
        cast(sum(mta_tax) as {{ money }}) as mta_tax,
        cast(sum(tip_amount) as {{ money }}) as tip_amount,
        cast(sum(tolls_amount) as {{ money }}) as tolls_amount,
        cast(sum(ehail_fee) as {{ money }}) as ehail_fee,
        cast(sum(improvement_surcharge) as {{ money }}) as improvement_surcharge,
        cast(sum(congestion_surcharge) as {{ money }}) as congestion_surcharge,
        cast(sum(airport_fee) as {{ money }}) as airport_fee,
        cast(sum(total_amount) as {{ money }}) as total_amount,
        cast(round(avg(trip_distance), 2) as {{ money }}) as avg_trip_distance,
        cast(round(avg(trip_duration_seconds), 2) as {{ money }}) as avg_trip_duration_seconds

    from trips
    group by
        pickup_month,
        service_type,
        pickup_location_id,
        pickup_borough,
        pickup_zone

)

select * from final
