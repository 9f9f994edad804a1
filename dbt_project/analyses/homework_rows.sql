-- Homework: how many rows are there for the yellow taxi data for all CSV files in 2020, for
-- the green taxi data for all CSV files in 2020, and for the yellow March 2021 CSV file? Each
-- question's files: rows landed (the manifest) next to rows in the merged table, beside the
-- published count (raw CSV rows: compare it with rows_landed).

with questions as (

    select
        'yellow' as taxi,
        'yellow_tripdata_2020-%.csv' as files,
        24648499 as published

    union all

    select
        'green' as taxi,
        'green_tripdata_2020-%.csv' as files,
        1734051 as published

    union all

    select
        'yellow' as taxi,
        'yellow_tripdata_2021-03.csv' as files,
        1925152 as published

),

landed as (

    select * from {{ ref('stg_tlc__landed_files') }}

),

merged as (

    select
        'green' as taxi,
        filename,
        count(*) as rows_merged

    from {{ ref('green_tripdata') }}
    group by filename

    union all

    select
        'yellow' as taxi,
        filename,
        count(*) as rows_merged

    from {{ ref('yellow_tripdata') }}
    group by filename

),

files as (

    select
        questions.taxi,
        questions.files,
        questions.published,
        landed.filename,
        landed.rows_landed,
        coalesce(merged.rows_merged, 0) as rows_merged

    from questions
    left join landed
        on landed.taxi = questions.taxi and landed.filename like questions.files
    left join merged
        on merged.taxi = landed.taxi and merged.filename = landed.filename

),

final as (

    select
        taxi,
        files,
        published,
        count(filename) as files_landed,
        coalesce(sum(rows_landed), 0) as rows_landed,
        coalesce(sum(rows_merged), 0) as rows_merged

    from files
    group by taxi, files, published

)

select * from final
