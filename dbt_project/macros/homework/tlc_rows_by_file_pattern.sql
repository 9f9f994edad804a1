{% macro tlc_rows_by_file_pattern(taxi, pattern) %}
    {#- Rows landed (the manifest) and merged for the files matching a LIKE pattern. -#}
    {%- if not modules.re.fullmatch('[a-z]+_tripdata_[0-9%_-]+([.]csv)?', pattern) -%}
        {{ exceptions.raise_compiler_error("unexpected file pattern " ~ pattern) }}
    {%- endif -%}
    {%- set taxi = tlc_checked_taxi(taxi) %}
with landed as (

    select coalesce(sum(rows_landed), 0) as rows_landed, count(*) as files
    from {{ ref('stg_tlc__landed_files') }}
    where taxi = '{{ taxi }}' and filename like '{{ pattern }}'

),

merged as (

    select count(*) as rows_merged
    from {{ ref(taxi ~ '_tripdata') }}
    where filename like '{{ pattern }}'

),

final as (

    select landed.files, landed.rows_landed, merged.rows_merged
    from landed
    cross join merged

)

select * from final
{%- endmacro %}
