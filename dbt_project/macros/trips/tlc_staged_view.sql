{% macro tlc_staged_view(taxi, csv_relation, parquet_relation) %}
    {#- A staging view: every landed trip of the type, from its CSV and its parquet external
        tables, typed and keyed alike (tlc_staged_trips). -#}
    {{ return("select * from (\n" ~ tlc_staged_trips(taxi, csv_relation) ~ "\n) as landed_csv\n"
        ~ "union all\nselect * from (\n" ~ tlc_staged_trips(taxi, parquet_relation,
        file_format='parquet') ~ "\n) as landed_parquet") }}
{% endmacro %}
