{#-
    Bound the destination side of the incremental MERGE to the months the batch's rows fall in.

    The key covers the pickup time, so a batch row can only match a merged row of its own
    pickup month: restricting the destination to those months changes nothing in the result
    and lets the engine skip every other month (BigQuery prunes partitions; DuckDB skips row
    groups by their min/max). The bounds are literals computed from the batch before the
    merge: a bound taken from a subquery does not prune.
-#}

{% macro tlc_month_start(column) %}
    {{- return(adapter.dispatch('tlc_month_start', 'taxi_elt')(column)) -}}
{% endmacro %}

{% macro default__tlc_month_start(column) -%}
    date_trunc('month', {{ column }})
{%- endmacro %}

{% macro bigquery__tlc_month_start(column) -%}
    timestamp_trunc({{ column }}, month)
{%- endmacro %}


{% macro tlc_timestamp_text(column) %}
    {{- return(adapter.dispatch('tlc_timestamp_text', 'taxi_elt')(column)) -}}
{% endmacro %}

{% macro default__tlc_timestamp_text(column) -%}
    strftime({{ column }}, '%Y-%m-%d %H:%M:%S.%f')
{%- endmacro %}

{% macro bigquery__tlc_timestamp_text(column) -%}
    format_timestamp('%Y-%m-%d %H:%M:%E6S', {{ column }})
{%- endmacro %}


{% macro tlc_month_ranges(column, months) %}
    {#- (column >= timestamp 'a' and column < timestamp 'b') or ... [or column is null], from a
        list of month starts (datetimes or None); consecutive months become one range. -#}
    {%- set starts = [] -%}
    {%- set has_null = [] -%}
    {%- for month in months -%}
        {%- if month is none -%}
            {%- do has_null.append(true) -%}
        {%- else -%}
            {%- set text = month.strftime('%Y-%m') -%}
            {%- if text not in starts -%}{%- do starts.append(text) -%}{%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set ranges = [] -%}
    {%- for text in starts | sort -%}
        {%- set year, month = text.split('-')[0] | int, text.split('-')[1] | int -%}
        {%- set following = ((year + 1) ~ '-01') if month == 12 else (year ~ '-' ~ '%02d' % (month + 1)) -%}
        {%- if ranges and ranges[-1][1] == text -%}
            {%- do ranges[-1].pop() -%}
            {%- do ranges[-1].append(following) -%}
        {%- else -%}
            {%- do ranges.append([text, following]) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set terms = [] -%}
    {%- for first, last in ranges -%}
        {%- do terms.append("(" ~ column ~ " >= timestamp '" ~ first ~ "-01 00:00:00' and "
            ~ column ~ " < timestamp '" ~ last ~ "-01 00:00:00')") -%}
    {%- endfor -%}
    {%- if has_null -%}{%- do terms.append(column ~ " is null") -%}{%- endif -%}
    {{ return("(" ~ (terms | join(" or ") if terms else "false") ~ ")") }}
{% endmacro %}


{% macro tlc_month_partition(column) %}
    {#- BigQuery: monthly partitions (real files carry pickups from 2008 to 2041; daily
        partitions would burn the partition quota). DuckDB has no partitions. -#}
    {%- if target.type == 'bigquery' -%}
        {{ return({'field': column, 'data_type': 'timestamp', 'granularity': 'month'}) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{% macro tlc_cluster_by(columns) %}
    {{- return(columns if target.type == 'bigquery' else none) -}}
{% endmacro %}


{% macro tlc_merge_month_predicates(source_sql) %}
    {#- [predicate on DBT_INTERNAL_DEST] for models with a meta.pickup_column, else []. -#}
    {%- set field = (config.get('meta') or {}).get('pickup_column') -%}
    {%- if not execute or not field -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set months = run_query(
        "select distinct " ~ tlc_month_start(field) ~ " from " ~ source_sql ~ " as batch"
    ).columns[0].values() -%}
    {{ return([tlc_month_ranges('DBT_INTERNAL_DEST.' ~ field, months)]) }}
{% endmacro %}


{% macro duckdb__get_incremental_merge_sql(args_dict) %}
    {#- dbt-duckdb's merge, with the destination bounded to the batch's months. -#}
    {%- set predicates = (args_dict.get('incremental_predicates') or [])
        + tlc_merge_month_predicates(args_dict['temp_relation']) -%}
    {{ return(duckdb__get_merge_sql(
        args_dict['target_relation'], args_dict['temp_relation'], args_dict['unique_key'],
        args_dict['dest_columns'], predicates)) }}
{% endmacro %}


{% macro bigquery__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates=none) %}
    {#- An insert-only MERGE (as on DuckDB: a matched row is the same row, nothing to rewrite)
        with literal partition bounds on the destination (see above). -#}
    {%- set predicates = (incremental_predicates or []) + tlc_merge_month_predicates(source) -%}
    {%- do predicates.append("DBT_INTERNAL_SOURCE." ~ unique_key ~ " = DBT_INTERNAL_DEST." ~ unique_key) -%}
    {%- set columns = get_quoted_csv(dest_columns | map(attribute="name")) -%}
    merge into {{ target }} as DBT_INTERNAL_DEST
    using {{ source }} as DBT_INTERNAL_SOURCE
    on ({{ predicates | join(") and (") }})
    when not matched then insert ({{ columns }}) values ({{ columns }})
{% endmacro %}
