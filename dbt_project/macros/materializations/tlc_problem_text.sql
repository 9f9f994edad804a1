{% macro tlc_problem_text(text) %}
    {#- An engine's error message made safe for a SQL literal and one line: printable
        characters only, no quotes or backslashes, at most 300 characters. -#}
    {%- set cleaned = modules.re.sub("[^A-Za-z0-9 _.,:;()\\[\\]{}<>=+*/#%&@!?-]", " ", text | string) -%}
    {{ return(modules.re.sub(" +", " ", cleaned).strip()[:300]) }}
{% endmacro %}
