{% macro tlc_merge_staged(taxi, target_relation, staged, file, log_relation) %}
    {#- Insert the staged file's rows that `target_relation` does not hold, once each, the
        destination bounded to the file's pickup months; then record the file. Insert only: a
        matched row is the same row (the key covers every column) and keeps the name of the
        file it was first merged from, so a retried step changes nothing. -#}
    {%- set spec = tlc_taxi(taxi) -%}
    {%- set pickup = adapter.quote(spec.pickup_column) -%}
    {%- set counts = run_query(
        "select " ~ tlc_month_start(pickup) ~ " as pickup_month, count(*) from " ~ staged
        ~ " group by 1").rows -%}
    {%- set months = [] -%}
    {%- set rows_read = [] -%}
    {%- for row in counts -%}
        {%- do months.append(row[0]) -%}
        {%- do rows_read.append(row[1] | int) -%}
    {%- endfor -%}
    {%- set bound = tlc_month_ranges('merged.' ~ pickup, months) -%}
    {%- set columns = "unique_row_id, filename, " ~ tlc_trip_column_list(taxi) -%}
    {%- do run_query(tlc_insert_new_rows(target_relation, tlc_deduplicated(staged), columns, bound)) -%}
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
