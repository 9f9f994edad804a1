{% macro tlc_checked_taxi(taxi) %}
    {#- The name of a registered taxi type, safe in SQL; a compile error otherwise. -#}
    {%- if execute and taxi not in tlc_taxi_types() -%}
        {{ exceptions.raise_compiler_error(
            "taxi '" ~ (taxi | string)[:40] ~ "' is not one of " ~ tlc_taxi_types() | join(', ')) }}
    {%- endif -%}
    {{ return(taxi) }}
{% endmacro %}
