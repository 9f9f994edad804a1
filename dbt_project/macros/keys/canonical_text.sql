{% macro canonical_text(expression, data_type) %}
    {{- return(adapter.dispatch('canonical_text', 'taxi_elt')(expression, data_type)) -}}
{% endmacro %}

{% macro default__canonical_text(expression, data_type) %}
    {%- set kind = type_kind(data_type) -%}
    {%- if kind == 'integer' -%}
        {{ return("cast(" ~ expression ~ " as varchar)") }}
    {%- elif kind == 'decimal' -%}
        {#- Whole minor units: cheaper than formatting a decimal, and exact. -#}
        {{ return("cast(cast(" ~ expression ~ " * " ~ 10 ** decimal_scale(data_type) ~ " as bigint) as varchar)") }}
    {%- elif kind == 'timestamp' -%}
        {{ return("cast(epoch_us(" ~ expression ~ ") as varchar)") }}
    {%- else -%}
        {{ return("cast(" ~ expression ~ " as varchar)") }}
    {%- endif -%}
{% endmacro %}

{% macro bigquery__canonical_text(expression, data_type) %}
    {%- set kind = type_kind(data_type) -%}
    {%- if kind == 'timestamp' -%}
        {{ return("cast(unix_micros(" ~ expression ~ ") as string)") }}
    {%- elif kind == 'decimal' -%}
        {#- NUMERIC holds up to 9 decimals; the declared scale fixes the minor unit, as on
            DuckDB (which rounds to that scale when it reads the file). -#}
        {{ return("cast(cast(" ~ expression ~ " * " ~ 10 ** decimal_scale(data_type) ~ " as int64) as string)") }}
    {%- else -%}
        {{ return("cast(" ~ expression ~ " as string)") }}
    {%- endif -%}
{% endmacro %}
