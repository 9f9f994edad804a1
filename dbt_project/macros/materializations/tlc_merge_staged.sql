{% macro tlc_merge_staged(taxi, target_relation, staged, file, log_relation) %}
    {#- Insert the staged file's rows that `target_relation` does not hold, once each, then
        record the file. Insert only: a matched row is the same row (the key covers every
        column) and keeps the name of the file it was first merged from, so a retried step
        changes nothing. The key covers the pickup time, so only merged rows whose pickup lies
        within the file's pickup range of each month can match: the destination is bounded by
        those literal ranges (a file's few rows of the month before bound a few days of it,
        not the month). -#}
    {%- set spec = tlc_taxi(taxi) -%}
    {%- set pickup = adapter.quote(spec.pickup_column) -%}
    {%- set counts = run_query(
        "select " ~ tlc_month_start(pickup) ~ " as pickup_month, min(" ~ pickup ~ "), max("
        ~ pickup ~ "), count(*) from " ~ staged ~ " group by 1").rows -%}
    {%- set months = [] -%}
    {%- set ranges = [] -%}
    {%- set rows_read = [] -%}
    {%- for row in counts -%}
        {%- do months.append(row[0]) -%}
        {%- do ranges.append([row[1], row[2]]) -%}
        {%- do rows_read.append(row[3] | int) -%}
    {%- endfor -%}
    {%- set bound = tlc_pickup_ranges('merged.' ~ pickup, ranges) -%}
    {%- set columns = "unique_row_id, filename, " ~ tlc_trip_column_list(taxi) -%}
    {%- do run_query(tlc_insert_new_rows(target_relation, staged, columns, bound)) -%}
    {%- set rows_merged = run_query(
        "select count(*) from " ~ target_relation ~ " as merged where filename = '" ~ file.file
        ~ "' and " ~ bound).columns[0].values()[0] | int -%}
    {%- set month_texts = [] -%}
    {%- for month in months -%}
        {%- do month_texts.append('null' if month is none else month.strftime('%Y-%m')) -%}
    {%- endfor -%}
    {%- do run_query(tlc_log_file(taxi, file, log_relation, 'merged',
        rows_read=rows_read | sum, rows_merged=rows_merged,
        pickup_months=month_texts | sort | join(','))) -%}
{% endmacro %}
