{% macro tlc_staged_trips(taxi, relation, where=none, uri=none, file_format='csv') %}
    {#- The trips of `relation` (an external table, or one file's reader) of `file_format`,
        every column cast once to its declared type (NULL where the format lacks it) and
        keyed: what the staging views show and what each merge step reads. `where` filters
        the relation itself (BigQuery prunes files on _FILE_NAME); `uri` says that every row
        comes from that one file (its name is then a literal, not a value on every row). -#}
    {%- set spec = tlc_taxi(taxi) -%}
    {%- set casts = [] -%}
    {%- set names = [] -%}
    {%- for column in spec.columns -%}
        {%- set quoted = adapter.quote(column.name) -%}
        {%- set value = quoted if file_format in column.formats else 'null' -%}
        {%- do casts.append("cast(" ~ value ~ " as " ~ tlc_warehouse_type(column.data_type) ~ ") as " ~ quoted) -%}
        {%- do names.append(quoted) -%}
    {%- endfor -%}
with source as (

    select *, {{ "'" ~ uri ~ "'" if uri else tlc_source_file_column() }} as source_uri
    from {{ relation }}
    {%- if where %}
    where {{ where }}
    {%- endif %}

),

typed as (

    select
        {{ casts | join(",\n        ") }},
        source_uri

    from source

),

final as (

    select
        {{ surrogate_key(spec.columns) }} as unique_row_id,
        {{ file_basename('source_uri') }} as filename,
        source_uri,
        {{ names | join(",\n        ") }}

    from typed

)

select * from final
{%- endmacro %}
