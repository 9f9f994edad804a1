{% macro tlc_pickup_ranges(column, ranges) %}
    {#- (column between timestamp 'a' and timestamp 'b') or ... [or column is null], from
        [first, last] pairs of datetimes (a pair of None: NULL pickups). Literals: the engine
        skips what lies outside (BigQuery's partitions, DuckDB's row groups). -#}
    {%- set terms = [] -%}
    {%- set has_null = [] -%}
    {%- for first, last in ranges -%}
        {%- if first is none -%}
            {%- do has_null.append(true) -%}
        {%- else -%}
            {%- do terms.append("(" ~ column ~ " between timestamp '"
                ~ first.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "' and timestamp '"
                ~ last.strftime('%Y-%m-%d %H:%M:%S.%f') ~ "')") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if has_null -%}{%- do terms.append(column ~ " is null") -%}{%- endif -%}
    {{ return("(" ~ (terms | join(" or ") if terms else "false") ~ ")") }}
{% endmacro %}
