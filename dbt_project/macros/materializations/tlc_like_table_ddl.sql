{% macro tlc_like_table_ddl(relation, like, temporary=false) %}
    {#- An empty table with the columns of `like`; `temporary`: a temp table, replaced if it
        exists (a step's scratch rows, gone with the connection). -#}
    {{ return("create " ~ ("or replace temp " if temporary else "") ~ "table " ~ relation
        ~ " as select * from " ~ like ~ " where false") }}
{% endmacro %}
