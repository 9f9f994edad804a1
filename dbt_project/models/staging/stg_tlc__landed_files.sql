with source as (

    select * from {{ source('tlc', 'landed_files') }}

),

renamed as (

    select
        taxi,
        month,
        file as filename,
        uri,
        source_url,
        bytes_compressed,
        bytes_uncompressed,
        rows as rows_landed,
        crc32c as file_crc32c,
        landed_at

    from source

)

select * from renamed
