{#-
    tlc_merged: a merged trip table, built one landed file at a time.

    The batch (tlc_files_to_merge) is merged file by file, in file-name order: each step runs
    the model's SQL (read, cast, key) over one file (tlc_model_over_file), keeps the rows the
    table does not hold yet, once each (the table bounded to the file's pickup months), and
    records the file in merge_log; on the live table, all in one transaction. Memory and each
    step's cost follow one file, never the batch, so a backfill of years or a --full-refresh
    runs in the memory of its largest month;
    a crash of an incremental build leaves every finished file merged and logged, and the next
    build goes on from there.

    A file the warehouse cannot read (landed by an older loader, or changed behind its back)
    does not stop the others: it is recorded as unreadable with the reason, every readable
    file is merged, and the model then fails naming the unreadable ones, one line each.

    A first build or --full-refresh builds into `<model>__dbt_tmp` and swaps it in at the end
    with the taxi's merge_log rows (tlc_swap_in) in one transaction, so a failed rebuild leaves
    the old table and log intact (and the next build starts the rebuild again).

    Before it changes anything, a build refuses when merge_log records merged files the landing
    no longer holds (tlc_refuse_missing_files): a wrong LANDING_URI must not rebuild a table
    from nothing.
-#}

{% materialization tlc_merged, default %}
    {%- set taxi = tlc_checked_taxi((config.get('meta') or {}).get('taxi')) -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set full_refresh = should_full_refresh() or existing is none or not existing.is_table -%}
    {#- The batch first: reading it checks every manifest record of the taxi (a forged one
        is named as such, not taken for a missing file). -#}
    {%- set files = tlc_files_to_merge(taxi, incremental=not full_refresh) -%}
    {%- do tlc_refuse_missing_files(taxi) -%}
    {%- set merge_log = source('taxi_elt', 'merge_log') -%}

    {{ run_hooks(pre_hooks, inside_transaction=False) }}
    {{ run_hooks(pre_hooks, inside_transaction=True) }}

    {%- if full_refresh -%}
        {%- set build_relation = make_intermediate_relation(target_relation) -%}
        {%- set log_relation = api.Relation.create(database=merge_log.database,
            schema=merge_log.schema, identifier=this.identifier ~ '__tlc_merge_log',
            type='table') -%}
        {%- do adapter.drop_relation(build_relation) -%}
        {%- do adapter.drop_relation(log_relation) -%}
        {%- do run_query(tlc_merged_table_ddl(taxi, build_relation)) -%}
        {%- do run_query(tlc_like_table_ddl(log_relation, merge_log)) -%}
    {%- else -%}
        {%- set build_relation = target_relation -%}
        {%- set log_relation = merge_log -%}
        {%- do tlc_add_missing_columns(taxi, target_relation) -%}
        {%- set replaced = files | selectattr('merged_before') | list -%}
        {%- if replaced -%}
            {#- Their old rows and log rows go first, in one transaction: a crash after it
                leaves them simply not merged, and the next build merges them. -#}
            {%- do tlc_begin() -%}
            {%- do run_query("delete from " ~ target_relation ~ " where "
                ~ tlc_batch_filter('filename', replaced, key='file')) -%}
            {%- do run_query("delete from " ~ merge_log ~ " where taxi = '" ~ taxi ~ "' and "
                ~ tlc_batch_filter('filename', replaced, key='file')) -%}
            {%- do adapter.commit() -%}
        {%- endif -%}
    {%- endif -%}

    {%- set unreadable = [] -%}
    {%- for file in files -%}
        {%- set problem = tlc_merge_file(taxi, sql, build_relation, file, log_relation,
            in_place=not full_refresh) -%}
        {%- if problem -%}
            {%- set again = " TLC_SOURCE_FORMAT=parquet" if file.format == 'parquet' else "" -%}
            {%- do unreadable.append(file.file ~ " is unreadable (" ~ problem ~ "): make purge MONTH="
                ~ file.month ~ " TAXI=" ~ taxi ~ " FORMAT=" ~ file.format ~ " && make load MONTH="
                ~ file.month ~ " TAXI=" ~ taxi ~ again) -%}
        {%- endif -%}
        {%- do adapter.commit() -%}
    {%- endfor -%}

    {%- if full_refresh -%}
        {%- do tlc_begin() -%}
        {%- for statement in tlc_swap_in(taxi, target_relation, build_relation, existing,
            merge_log, log_relation) -%}
            {%- do run_query(statement) -%}
        {%- endfor -%}
        {%- do adapter.commit() -%}
        {%- do adapter.drop_relation(log_relation) -%}
    {%- endif -%}

    {#- dbt wants one statement called main: what this build recorded for the taxi. -#}
    {% call statement('main') %}
        select count(*) as files from {{ merge_log }}
        where taxi = '{{ taxi }}' and invocation_id = '{{ invocation_id }}'
    {% endcall %}

    {{ run_hooks(post_hooks, inside_transaction=True) }}
    {%- do adapter.commit() -%}
    {{ run_hooks(post_hooks, inside_transaction=False) }}

    {%- if unreadable -%}
        {{ exceptions.raise_compiler_error(
            unreadable | length ~ " landed file(s) could not be read and were not merged; every "
            ~ "other file was:\n  " ~ unreadable | join("\n  ")) }}
    {%- endif -%}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
