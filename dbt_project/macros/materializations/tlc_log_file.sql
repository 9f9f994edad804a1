{% macro tlc_log_file(taxi, file, log_relation, status, rows_read=0, rows_merged=0, pickup_months='', problem=none) %}
    {#- The statements that record one file in the merge log (replacing its earlier row). -#}
    {%- set merged_at = run_started_at.strftime("%Y-%m-%d %H:%M:%S.%f") -%}
    {%- set sql -%}
        delete from {{ log_relation }} where taxi = '{{ taxi }}' and filename = '{{ file.file }}';
        insert into {{ log_relation }} (
            taxi, filename, file_crc32c, rows_landed, rows_read, rows_merged, duplicates_removed,
            landed_at, merged_at, invocation_id, pickup_months, status, problem
        )
        values (
            '{{ taxi }}', '{{ file.file }}', '{{ file.crc32c }}', {{ file.rows }}, {{ rows_read }},
            {{ rows_merged }}, {{ rows_read - rows_merged }},
            cast('{{ file.landed_at }}' as timestamp), cast('{{ merged_at }}' as timestamp),
            '{{ invocation_id }}', '{{ pickup_months }}', '{{ status }}',
            {{ "'" ~ problem ~ "'" if problem else "cast(null as string)" }}
        )
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}
