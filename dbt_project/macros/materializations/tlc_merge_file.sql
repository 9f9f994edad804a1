{% macro tlc_merge_file(taxi, model_sql, target_relation, file, log_relation, in_place) %}
    {#- One step of tlc_merged: merge one landed file into `target_relation` and record it in
        `log_relation`: the model's SQL (`model_sql`: read, cast, key) over that one file
        (tlc_model_over_file). Returns '' or why the file could not be read (then nothing of
        it is merged, and it is recorded as unreadable). `in_place`: `target_relation` is the
        live table. The caller commits. -#}
    {{ return(adapter.dispatch('tlc_merge_file', 'taxi_elt')(taxi, model_sql, target_relation, file, log_relation, in_place)) }}
{% endmacro %}


{% macro duckdb__tlc_merge_file(taxi, model_sql, target_relation, file, log_relation, in_place) %}
    {#- One statement streams the file into a table (read, cast, key, write), then one delete
        takes out what the file repeats (tlc_repeated_rows). A first build or a full refresh
        fills a table nobody reads until the swap, so the file goes straight into it. On the
        live table (`in_place`) it goes to a temp table first, and one transaction moves what
        is left into the table and logs the file: a reader or a crash never sees half a file.
        (Deleting the repeats in the transaction that appended them would cost more: DuckDB
        pays for it at commit, about twice the move, measured on 2 M-row months.)
        Values that do not convert are recorded (store_rejects) instead of failing the build;
        one rejected value takes the whole file out again. -#}
    {%- if file.format == 'parquet' -%}
        {#- A parquet file that fails to read fails the statement, and Jinja cannot catch it:
            first make sure it is still the file the loader wrote (its size, a stat, no read). -#}
        {%- set problem = tlc_problem_text(tlc_parquet_changed(file)) -%}
        {%- if problem -%}
            {%- if in_place -%}{%- do tlc_begin() -%}{%- endif -%}
            {%- do run_query(tlc_log_file(taxi, file, log_relation, 'unreadable', problem=problem)) -%}
            {{ return(problem) }}
        {%- endif -%}
    {%- endif -%}
    {%- set rejects = {'scan': 'tlc_rejects_scan', 'table': 'tlc_rejects'} -%}
    {%- do run_query("drop table if exists " ~ rejects.table ~ "; drop table if exists " ~ rejects.scan) -%}
    {%- set columns = "unique_row_id, filename, " ~ tlc_trip_column_list(taxi) -%}
    {%- set this_file = "filename = '" ~ file.file ~ "'" -%}
    {%- set rows = 'tlc_file_rows' if in_place else target_relation -%}
    {%- if in_place -%}
        {%- do run_query(tlc_like_table_ddl(rows, target_relation, temporary=true)) -%}
    {%- endif -%}
    {#- Without source_uri (a literal in the step): a long path on every row costs memory. -#}
    {%- set rows_read = run_query("insert into " ~ rows ~ " (" ~ columns ~ ")\nselect " ~ columns
        ~ " from (\n" ~ tlc_model_over_file(taxi, model_sql, file, rejects=rejects)
        ~ "\n)").columns[0].values()[0] | int -%}
    {%- set rejected = [0] if file.format == 'parquet' else run_query(
        "select count(*), min(line), arg_min(column_name, line), arg_min(error_message, line) from "
        ~ rejects.table).rows[0] -%}
    {%- if rejected[0] > 0 -%}
        {%- set problem = tlc_problem_text("line " ~ rejected[1] ~ ", " ~ rejected[2] ~ ": "
            ~ rejected[3] ~ (" (and " ~ (rejected[0] - 1) ~ " more)" if rejected[0] > 1 else "")) -%}
        {%- do run_query("drop table " ~ rows if in_place else "delete from " ~ rows ~ " where "
            ~ this_file) -%}
        {%- if in_place -%}{%- do tlc_begin() -%}{%- endif -%}
        {%- do run_query(tlc_log_file(taxi, file, log_relation, 'unreadable', problem=problem)) -%}
        {{ return(problem) }}
    {%- endif -%}
    {%- set pickups = tlc_file_pickups(taxi, rows, this_file) -%}
    {%- set repeated = run_query(tlc_repeated_rows(rows, file.file, pickups.bound,
        held=target_relation)).columns[0].values()[0] | int -%}
    {%- if in_place -%}
        {%- do tlc_begin() -%}
        {%- do run_query("insert into " ~ target_relation ~ " (" ~ columns ~ ") select " ~ columns
            ~ " from " ~ rows ~ "; drop table " ~ rows) -%}
    {%- endif -%}
    {%- do run_query(tlc_log_file(taxi, file, log_relation, 'merged', rows_read=rows_read,
        rows_merged=pickups.rows - repeated, pickup_months=pickups.months)) -%}
    {{ return('') }}
{% endmacro %}


{% macro bigquery__tlc_merge_file(taxi, model_sql, target_relation, file, log_relation, in_place) %}
    {#- The file's rows (the external table pruned to it by _FILE_NAME) go to a scratch table
        in a script whose exception handler turns a file BigQuery cannot read into an answer
        instead of a failed build. An insert-only MERGE then adds the rows the table does not
        hold, once each: a matched row is the same row (the key covers every column) and keeps
        the name of the file it was first merged from, so a retried step changes nothing. The
        key covers the pickup time: the literal pickup ranges of the file (tlc_file_pickups)
        in ON prune the destination's partitions. -#}
    {%- set staged = api.Relation.create(database=target_relation.database,
        schema=target_relation.schema, identifier=target_relation.identifier ~ '__tlc_staged') -%}
    {%- set script -%}
        begin
            create or replace table {{ staged }}
            options (expiration_timestamp = timestamp_add(current_timestamp(), interval 1 day))
            as
            {{ tlc_model_over_file(taxi, model_sql, file) }};
            select '' as problem;
        exception when error then
            select @@error.message as problem;
        end
    {%- endset -%}
    {%- set answer = run_query(script).rows -%}
    {%- if answer and answer[0][0] -%}
        {%- set problem = tlc_problem_text(answer[0][0]) -%}
        {%- do run_query(tlc_log_file(taxi, file, log_relation, 'unreadable', problem=problem)) -%}
        {{ return(problem) }}
    {%- endif -%}
    {%- set pickups = tlc_file_pickups(taxi, staged) -%}
    {%- set columns = "unique_row_id, filename, " ~ tlc_trip_column_list(taxi) -%}
    {%- set merge -%}
        merge into {{ target_relation }} as merged
        using (
            select *
            from {{ staged }}
            where true  -- BigQuery takes QUALIFY only beside a WHERE, GROUP BY or HAVING
            qualify row_number() over (partition by unique_row_id) = 1
        ) as batch
        on merged.unique_row_id = batch.unique_row_id and {{ pickups.bound }}
        when not matched then insert ({{ columns }}) values ({{ columns }})
    {%- endset -%}
    {%- do run_query(merge) -%}
    {%- set rows_merged = run_query("select count(*) from " ~ target_relation ~ " as merged where "
        ~ "filename = '" ~ file.file ~ "' and " ~ pickups.bound).columns[0].values()[0] | int -%}
    {%- do run_query(tlc_log_file(taxi, file, log_relation, 'merged', rows_read=pickups.rows,
        rows_merged=rows_merged, pickup_months=pickups.months)) -%}
    {%- do adapter.drop_relation(staged) -%}
    {{ return('') }}
{% endmacro %}
