{% macro tlc_begin() %}
    {#- Open a transaction on the model's connection unless one is open; the materialization's
        adapter.commit() ends it. DuckDB runs each statement on its own otherwise. -#}
    {{ return(adapter.dispatch('tlc_begin', 'taxi_elt')()) }}
{% endmacro %}

{% macro default__tlc_begin() %}
    {#- BigQuery: no transaction spans dbt's statements; each step is safe to repeat. -#}
{% endmacro %}

{% macro duckdb__tlc_begin() %}
    {%- do adapter.ensure_transaction() -%}
{% endmacro %}
