{#-
    dbt's unique test, on the pickup months this invocation merged into the model (every row
    of those months, old and new). A merge only adds rows in the pickup months of its files,
    and a key covers its pickup time, so a duplicate this build introduced lies there; the
    test's cost follows the new data, not the table's size. Earlier months were proved by the
    builds that merged them. A build that merged nothing, `dbt test` on its own, and
    `--vars '{full_tests: true}'` read the whole table (tlc_merged_months).
-#}

{% test unique_in_merged_months(model, column_name) %}
{{ adapter.dispatch('test_unique', 'dbt')(tlc_merged_months(model), column_name) }}
{% endtest %}
