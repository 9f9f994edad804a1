{#-
    dbt's not_null test, on the pickup months this invocation merged into the model; the
    whole table when it merged nothing, for `dbt test` on its own, and with
    `--vars '{full_tests: true}'` (see unique_in_merged_months).
-#}

{% test not_null_in_merged_months(model, column_name) %}
{{ adapter.dispatch('test_not_null', 'dbt')(tlc_merged_months(model), column_name) }}
{% endtest %}
