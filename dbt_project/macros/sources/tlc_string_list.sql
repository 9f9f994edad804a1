{% macro tlc_string_list(values) %}
    {#- Renders ('a', 'b'); callers validated the values against strict patterns, and a quote,
        backslash or newline is refused here again. -#}
    {%- if values | length == 0 -%}{{ return("(null)") }}{%- endif -%}
    {%- set quoted = [] -%}
    {%- for value in values -%}
        {%- if "'" in value or "\\" in value or "\n" in value -%}
            {{ exceptions.raise_compiler_error("refusing to quote an unsafe value: " ~ value[:80]) }}
        {%- endif -%}
        {%- do quoted.append("'" ~ value ~ "'") -%}
    {%- endfor -%}
    {{ return("(" ~ quoted | join(", ") ~ ")") }}
{% endmacro %}
