{% macro tlc_like_table_ddl(relation, like) %}
    {#- An empty table with the columns of `like`. -#}
    {{ return("create table " ~ relation ~ " as select * from " ~ like ~ " where false") }}
{% endmacro %}
