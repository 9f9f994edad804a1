with zones as (

    select * from {{ ref('taxi_zone_lookup') }}

),

final as (

    -- The published header is LocationID, Borough, Zone, service_zone: every name aliased
    -- to its lowercase form (the seed typed them, see _seeds.yml).
    select
        locationid as location_id,
        borough as borough,
        zone as zone,
        service_zone as service_zone

    from zones

)

select * from final
