{% macro tlc_file_name(taxi, month) %}
    {#- The landed file name of a taxi type and month: <taxi>_tripdata_YYYY-MM.csv. -#}
    {%- if not modules.re.fullmatch('[0-9]{4}-(0[1-9]|1[0-2])', month) -%}
        {{ exceptions.raise_compiler_error("month must be YYYY-MM, not " ~ month) }}
    {%- endif -%}
    {{ return(tlc_checked_taxi(taxi) ~ '_tripdata_' ~ month ~ '.csv') }}
{% endmacro %}
