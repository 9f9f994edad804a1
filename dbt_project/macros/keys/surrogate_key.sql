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
