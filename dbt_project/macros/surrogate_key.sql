{#-
    unique_row_id: md5, as a lowercase hex string, over every column of the row.

    Each column is first cast to a canonical text that both engines render identically
    (integers as digits, decimals as whole minor units at their declared scale - 6.80 at scale
    2 is 680 - and timestamps as epoch microseconds: integer text, never a float or a zone),
    NULL becomes a fixed marker, and a separator sits between fields so that ('1', '23') and
    ('12', '3') differ. The same row therefore gets the same key on DuckDB and BigQuery.
-#}

{% macro surrogate_key(columns) %}
    {{- return(adapter.dispatch('surrogate_key', 'taxi_elt')(columns)) -}}
{% endmacro %}

{% macro default__surrogate_key(columns) -%}
    md5({{ surrogate_key_text(columns) }})
{%- endmacro %}

{% macro bigquery__surrogate_key(columns) -%}
    to_hex(md5({{ surrogate_key_text(columns) }}))
{%- endmacro %}


{% macro surrogate_key_text(columns) %}
    {#- concat(coalesce(<canonical c1>, '_null_'), '|', coalesce(<canonical c2>, '_null_'), ...) -#}
    {%- if columns | length == 0 and execute -%}
        {{ exceptions.raise_compiler_error("surrogate_key needs at least one column") }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- if column is mapping -%}
            {%- set name, data_type = column.name, column.data_type -%}
        {%- else -%}
            {%- set name, data_type = column, 'varchar' -%}
        {%- endif -%}
        {%- do parts.append("coalesce(" ~ canonical_text(adapter.quote(name), data_type) ~ ", '_null_')") -%}
    {%- endfor -%}
    {{- return("concat(" ~ parts | join(", '|', ") ~ ")") -}}
{% endmacro %}


{% macro decimal_scale(data_type) %}
    {#- The declared scale of numeric(p,s) / decimal(p,s); 0 when none is declared. -#}
    {%- set match = modules.re.search('[(]\\s*[0-9]+\\s*,\\s*([0-9]+)\\s*[)]', data_type or '') -%}
    {{ return(match.group(1) | int if match else 0) }}
{% endmacro %}


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
