-- Homework: how many rows are there for the yellow taxi data for all CSV files in 2020?
-- (published: 24,648,499). Rows landed per the manifest next to rows in the merged table.

with landed as (

    select
        count(*) as files,
        coalesce(sum(rows_landed), 0) as rows_landed

    from {{ ref('stg_tlc__landed_files') }}
    where taxi = 'yellow' and filename like 'yellow_tripdata_2020-%'

),

merged as (

    select count(*) as rows_merged
    from {{ ref('yellow_tripdata') }}
    where filename like 'yellow_tripdata_2020-%'

),

final as (

    select
        landed.files,
        landed.rows_landed,
        merged.rows_merged

    from landed
    cross join merged

)

select * from final
