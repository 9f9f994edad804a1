{% macro analytics_trips_batch_filter(files) %}
    {#- A predicate on (service_type, filename) true for the given [service_type, filename]
        pairs, as literals (so an engine can skip the rest); false for none. -#}
    {%- set by_type = {} -%}
    {%- for service_type, filename in files -%}
        {%- do by_type.setdefault(tlc_checked_taxi(service_type), []).append(filename) -%}
    {%- endfor -%}
    {%- if not by_type -%}{{ return('1 = 0') }}{%- endif -%}
    {%- set terms = [] -%}
    {%- for service_type, filenames in by_type.items() | sort -%}
        {%- do terms.append("(service_type = '" ~ service_type ~ "' and filename in "
            ~ tlc_string_list(filenames | sort) ~ ")") -%}
    {%- endfor -%}
    {{ return('(' ~ terms | join(' or ') ~ ')') }}
{% endmacro %}
