{% macro tlc_file_name(taxi, month) %}
    {#- The landed file name of a taxi type and month: <taxi>_tripdata_YYYY-MM.csv. -#}
    {%- if not modules.re.fullmatch('[0-9]{4}-(0[1-9]|1[0-2])', month) -%}
        {{ exceptions.raise_compiler_error("month must be YYYY-MM, not " ~ month) }}
    {%- endif -%}
    {{ return(tlc_checked_taxi(taxi) ~ '_tripdata_' ~ month ~ '.csv') }}
{% endmacro %}


{% macro tlc_rows_by_file_pattern(taxi, pattern) %}
    {%- if not modules.re.fullmatch('(green|yellow)_tripdata_[0-9%_-]+([.]csv)?', pattern) -%}
        {{ exceptions.raise_compiler_error("unexpected file pattern " ~ pattern) }}
    {%- endif -%}
with landed as (

    select coalesce(sum(rows_landed), 0) as rows_landed, count(*) as files
    from {{ ref('stg_tlc__landed_files') }}
    where taxi = '{{ tlc_checked_taxi(taxi) }}' and filename like '{{ pattern }}'

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
