{% macro tlc_warehouse_type(data_type) %}
    {#- A declared data_type (bigint, numeric(p,s), timestamp, varchar) in the target's words. -#}
    {{ return(adapter.dispatch('tlc_warehouse_type', 'taxi_elt')(data_type)) }}
{% endmacro %}

{% macro default__tlc_warehouse_type(data_type) %}
    {{ return(data_type) }}
{% endmacro %}

{% macro bigquery__tlc_warehouse_type(data_type) %}
    {{ return(tlc_bigquery_type(data_type)) }}
{% endmacro %}
