{% macro tlc_merge_staged(taxi, target_relation, staged, file, log_relation) %}
    {#- BigQuery: insert the staged file's rows that `target_relation` does not hold, once
        each, then record the file. Insert only: a matched row is the same row (the key covers
        every column) and keeps the name of the file it was first merged from, so a retried
        step changes nothing. The key covers the pickup time, so only merged rows whose pickup
        lies within the file's pickup range of each month can match: the destination is
        bounded by those literal ranges (tlc_file_pickups). -#}
    {%- set pickups = tlc_file_pickups(taxi, staged) -%}
    {%- set columns = "unique_row_id, filename, " ~ tlc_trip_column_list(taxi) -%}
    {%- do run_query(tlc_insert_new_rows(target_relation, staged, columns, pickups.bound)) -%}
    {%- set rows_merged = run_query(
        "select count(*) from " ~ target_relation ~ " as merged where filename = '" ~ file.file
        ~ "' and " ~ pickups.bound).columns[0].values()[0] | int -%}
    {%- do run_query(tlc_log_file(taxi, file, log_relation, 'merged',
        rows_read=pickups.rows, rows_merged=rows_merged, pickup_months=pickups.months)) -%}
{% endmacro %}
