with zones as (

    select * from {{ ref('taxi_zone_lookup') }}

),

final as (

    select
        locationid as location_id,
        borough,
        zone,
        service_zone

    from zones

)

select * from final
