{% macro analytics_trip_columns() %}
    {#- The trip columns every analytics staging model has, in this order after unique_row_id,
        service_type and filename: [{name, data_type, matches}]. `matches` are the merged
        table column names (lowercase) it is read from, the first one a taxi type has;
        pickup_at and dropoff_at come from the registry pickup and dropoff columns. A taxi
        type that has none of them gets a typed NULL (the high-volume for-hire names, such as
        trip_miles or base_passenger_fare, are among the matches). -#}
    {%- set money = 'numeric(18,2)' -%}
    {{ return([
        {'name': 'vendor_id', 'data_type': 'bigint', 'matches': ['vendorid']},
        {'name': 'pickup_at', 'data_type': 'timestamp', 'matches': []},
        {'name': 'dropoff_at', 'data_type': 'timestamp', 'matches': []},
        {'name': 'pickup_location_id', 'data_type': 'bigint', 'matches': ['pulocationid']},
        {'name': 'dropoff_location_id', 'data_type': 'bigint', 'matches': ['dolocationid']},
        {'name': 'store_and_fwd_flag', 'data_type': 'varchar', 'matches': ['store_and_fwd_flag']},
        {'name': 'rate_code_id', 'data_type': 'bigint', 'matches': ['ratecodeid']},
        {'name': 'passenger_count', 'data_type': 'bigint', 'matches': ['passenger_count']},
        {'name': 'trip_distance', 'data_type': money, 'matches': ['trip_distance', 'trip_miles']},
        {'name': 'trip_type', 'data_type': 'bigint', 'matches': ['trip_type']},
        {'name': 'payment_type', 'data_type': 'bigint', 'matches': ['payment_type']},
        {'name': 'fare_amount', 'data_type': money, 'matches': ['fare_amount', 'base_passenger_fare']},
        {'name': 'extra', 'data_type': money, 'matches': ['extra']},
        {'name': 'mta_tax', 'data_type': money, 'matches': ['mta_tax']},
        {'name': 'tip_amount', 'data_type': money, 'matches': ['tip_amount', 'tips']},
        {'name': 'tolls_amount', 'data_type': money, 'matches': ['tolls_amount', 'tolls']},
        {'name': 'ehail_fee', 'data_type': money, 'matches': ['ehail_fee']},
        {'name': 'improvement_surcharge', 'data_type': money, 'matches': ['improvement_surcharge']},
        {'name': 'congestion_surcharge', 'data_type': money, 'matches': ['congestion_surcharge']},
        {'name': 'airport_fee', 'data_type': money, 'matches': ['airport_fee']},
        {'name': 'total_amount', 'data_type': money, 'matches': ['total_amount']},
    ]) }}
{% endmacro %}
