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
    {#- concat(coalesce(<canonical c1>, '_null_'), '|', coalesce(<canonical c2>, '_null_'), ...)
        and then, for each column one file format lacks (`keyed_when_set`), '|<name>=<canonical>'
        only when it is set: a row from a format without the column, or with it empty, keeps
        the key it has without it, so CSV and parquet give the same trip the same key. -#}
    {%- if columns | length == 0 and execute -%}
        {{ exceptions.raise_compiler_error("surrogate_key needs at least one column") }}
    {%- endif -%}
    {%- set parts = [] -%}
    {%- set optional = [] -%}
    {%- for column in columns -%}
        {%- if column is mapping -%}
            {%- set name, data_type = column.name, column.data_type -%}
        {%- else -%}
            {%- set name, data_type = column, 'varchar' -%}
        {%- endif -%}
        {%- set canonical = canonical_text(adapter.quote(name), data_type) -%}
        {%- if column is mapping and column.get('keyed_when_set') -%}
            {%- do optional.append("case when " ~ adapter.quote(name) ~ " is null then '' else concat('|"
                ~ name ~ "=', " ~ canonical ~ ") end") -%}
        {%- else -%}
            {%- do parts.append("coalesce(" ~ canonical ~ ", '_null_')") -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return("concat(" ~ (parts | join(", '|', ")) ~ (", " ~ optional | join(", ") if optional else "") ~ ")") -}}
{% endmacro %}
