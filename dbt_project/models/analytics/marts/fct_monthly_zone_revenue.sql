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
        {%- for amount in ['fare_amount', 'extra', 'mta_tax', 'tip_amount', 'tolls_amount',
            'ehail_fee', 'improvement_surcharge', 'congestion_surcharge', 'airport_fee',
            'total_amount'] %}
        cast(sum({{ amount }}) as {{ money }}) as {{ amount }},
        {%- endfor %}
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
