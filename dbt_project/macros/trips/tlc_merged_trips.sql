{% macro tlc_merged_trips(taxi) %}
    {#- The body of a merged model (green_tripdata.sql is this and its config).

        `dbt run` and `dbt build` never run this select: the tlc_merged materialization merges
        the batch one file at a time (see materializations/tlc_merged.sql). What it shows is
        for people: `dbt compile` and `dbt show` of a built model render the table's rows;
        before the first build, the batch's rows as one select. -#}
-- depends_on: {{ source('tlc', 'landed_files') }}
-- depends_on: {{ source('taxi_elt', 'merge_log') }}
    {%- set staged = ref('stg_tlc__' ~ taxi ~ '_trips') -%}
    {%- set existing = load_relation(this) if execute else none -%}
    {%- if existing is not none and flags.WHICH in ['show', 'compile'] %}
select * from {{ this }}
    {%- else -%}
        {%- set batch = tlc_files_to_merge(
            taxi, incremental=existing is not none and not should_full_refresh()) %}
with trips as (

    select * from {{ staged }}
    where {{ tlc_batch_filter('source_uri', batch) }}

),

deduplicated as (

    {{ tlc_deduplicated('trips', ordered=batch | length > 1) }}

),

final as (

    select
        unique_row_id,
        filename,
        {{ tlc_trip_column_list(taxi) }}

    from deduplicated

)

select * from final
    {%- endif -%}
{% endmacro %}
