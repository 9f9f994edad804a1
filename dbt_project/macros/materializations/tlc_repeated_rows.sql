{% macro tlc_repeated_rows(relation, filename, bound, held) %}
    {#- DuckDB: the delete that takes out of `relation` what the file `filename`, just
        appended to it, repeats: its rows whose unique_row_id a row of another file in `held`
        holds (that row keeps the name of the file it was first merged from) and, of the keys
        it holds more than once, every row but one. `held` is the merged table (`relation`
        itself, or the table the file's rows move to next). The key covers the pickup time,
        so only rows within `bound` (the file's literal pickup ranges, on alias `merged`) can
        match. DuckDB skips row groups outside it only where they hold no stray pickups: every
        month has a few (2008 and 2009 dates), so in a build over many months this delete
        scans the whole table's pickups and grows with it (about 0.4 s to 1.1 s a file over
        12 2 M-row months). Real files hold almost no duplicates: it finds next to nothing. -#}
    {%- set sql -%}
        delete from {{ relation }}
        where rowid in (

            with appended as (

                select rowid as row_id, unique_row_id
                from {{ relation }} as merged
                where filename = '{{ filename }}' and {{ bound }}

            ),

            elsewhere as (

                select unique_row_id
                from {{ held }} as merged
                where filename <> '{{ filename }}' and {{ bound }}

            ),

            repeated as (

                select unique_row_id
                from appended
                group by unique_row_id
                having count(*) > 1

            ),

            held_elsewhere as (

                select row_id from appended semi join elsewhere using (unique_row_id)

            ),

            held_twice as (

                select row_id
                from appended
                semi join repeated using (unique_row_id)
                anti join elsewhere using (unique_row_id)
                qualify row_number() over (partition by unique_row_id order by row_id) > 1

            ),

            final as (

                select row_id from held_elsewhere
                union all
                select row_id from held_twice

            )

            select row_id from final

        )
    {%- endset -%}
    {{ return(sql) }}
{% endmacro %}
