{#-
    Bound the destination side of a merge to the months the batch's rows fall in.

    The key covers the pickup time, so a batch row can only match a merged row of its own
    pickup month: restricting the destination to those months changes nothing in the result
    and lets the engine skip every other month (BigQuery prunes partitions; DuckDB skips row
    groups by their min/max). The bounds are literals computed from the batch before the
    merge: a bound taken from a subquery does not prune.
-#}

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
