{% macro analytics_staged_trips(taxi, merged) %}
    {#- The body of an analytics staging model: the merged table `merged` of a taxi type in
        the shape every taxi type shares (analytics_trip_columns), snake_case, each column
        cast once, `service_type` the taxi type, a typed NULL where the type has no such
        column. -#}
    {%- set spec = tlc_taxi(tlc_checked_taxi(taxi)) -%}
    {%- set present = {} -%}
    {%- for column in spec.columns -%}
        {%- do present.update({column.name | lower: column.name}) -%}
    {%- endfor -%}
    {%- set casts = [] -%}
    {%- for column in analytics_trip_columns() -%}
        {%- set found = [] -%}
        {%- if column.name == 'pickup_at' and spec.pickup_column -%}
            {%- do found.append(spec.pickup_column) -%}
        {%- elif column.name == 'dropoff_at' and spec.dropoff_column -%}
            {%- do found.append(spec.dropoff_column) -%}
        {%- endif -%}
        {%- for match in column.matches if match in present -%}
            {%- do found.append(present[match]) -%}
        {%- endfor -%}
        {%- set expression = adapter.quote(found[0]) if found else 'null' -%}
        {%- do casts.append('cast(' ~ expression ~ ' as ' ~ tlc_warehouse_type(column.data_type)
            ~ ') as ' ~ column.name) -%}
    {%- endfor -%}
with source as (

    select * from {{ merged }}

),

renamed as (

    select
        cast(unique_row_id as {{ tlc_warehouse_type('varchar') }}) as unique_row_id,
        cast('{{ spec.name }}' as {{ tlc_warehouse_type('varchar') }}) as service_type,
        cast(filename as {{ tlc_warehouse_type('varchar') }}) as filename,
        {{ casts | join(",\n        ") }}

    from source

)

select * from renamed
{%- endmacro %}
