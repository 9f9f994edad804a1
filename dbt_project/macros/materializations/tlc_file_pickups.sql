{% macro tlc_file_pickups(taxi, relation, where=none) %}
    {#- What the rows of `relation` (those matching `where`) cover: {rows, months, bound}.
        `months` is the sorted 'YYYY-MM' list of their pickup months (null for rows without a
        pickup), comma-joined, and `bound` a predicate on `merged.<pickup>` with the literal
        first and last pickup of each month (tlc_pickup_ranges): a file's few rows of the month
        before bound a few days of it, not the month. -#}
    {%- set pickup = adapter.quote(tlc_taxi(taxi).pickup_column) -%}
    {%- set counts = run_query(
        "select " ~ tlc_month_start(pickup) ~ " as pickup_month, min(" ~ pickup ~ "), max("
        ~ pickup ~ "), count(*) from " ~ relation ~ (" where " ~ where if where else "")
        ~ " group by 1").rows -%}
    {%- set months = [] -%}
    {%- set ranges = [] -%}
    {%- set rows = [] -%}
    {%- for row in counts -%}
        {%- do months.append('null' if row[0] is none else row[0].strftime('%Y-%m')) -%}
        {%- do ranges.append([row[1], row[2]]) -%}
        {%- do rows.append(row[3] | int) -%}
    {%- endfor -%}
    {{ return({
        'rows': rows | sum,
        'months': months | sort | join(','),
        'bound': tlc_pickup_ranges('merged.' ~ pickup, ranges),
    }) }}
{% endmacro %}
