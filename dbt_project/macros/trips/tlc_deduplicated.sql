{% macro tlc_deduplicated(relation, ordered=false) %}
    {#- One row per unique_row_id. The key covers every column, so rows that share it are the
        same row; with `ordered`, the one of the first file (by name) stays. -#}
    {{ return(adapter.dispatch('tlc_deduplicated', 'taxi_elt')(relation, ordered)) }}
{% endmacro %}

{% macro default__tlc_deduplicated(relation, ordered) -%}
    select *
    from {{ relation }}
    qualify row_number() over (
        partition by unique_row_id{{ ' order by filename' if ordered }}
    ) = 1
{%- endmacro %}

{% macro bigquery__tlc_deduplicated(relation, ordered) -%}
    select *
    from {{ relation }}
    where true  -- BigQuery takes QUALIFY only beside a WHERE, GROUP BY or HAVING
    qualify row_number() over (
        partition by unique_row_id{{ ' order by filename' if ordered }}
    ) = 1
{%- endmacro %}
