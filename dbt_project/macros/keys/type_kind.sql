{% macro type_kind(data_type) %}
    {#- integer | decimal | timestamp | text, from a column's declared data_type. -#}
    {%- set declared = (data_type or 'varchar') | lower | trim -%}
    {%- if declared in ['bigint', 'integer', 'int', 'int64', 'smallint', 'tinyint', 'hugeint'] -%}
        {{ return('integer') }}
    {%- elif declared.startswith('numeric') or declared.startswith('decimal') or declared.startswith('bignumeric') -%}
        {{ return('decimal') }}
    {%- elif declared in ['timestamp', 'datetime'] -%}
        {{ return('timestamp') }}
    {%- elif declared in ['varchar', 'string', 'text'] -%}
        {{ return('text') }}
    {%- else -%}
        {{ exceptions.raise_compiler_error(
            "no canonical text for data_type '" ~ data_type ~ "' (floating point renders "
            ~ "differently per engine: declare money and distances as numeric(p,s))") }}
    {%- endif -%}
{% endmacro %}
