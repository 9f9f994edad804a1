{#-
    dbt's `unique` test on DuckDB, same answer (every value held more than once, with its
    count), less work: it groups 64-bit hashes of the values instead of the values, then
    counts exactly only the values whose hash is shared. On the merged tables the values are
    32-character keys: grouping 24 M of them spills past the profile's memory_limit, grouping
    their hashes does not (6.0 s against 3.3 s on 24 M keys, 2 cores). A hash shared by two
    different values (about one chance in 60,000 at 24 M rows) costs one exact recount, never a
    wrong answer.
-#}

{% macro duckdb__test_unique(model, column_name) %}

with hashes as (

    select hash({{ column_name }}) as value_hash
    from {{ model }}
    where {{ column_name }} is not null

),

shared_hashes as (

    select value_hash
    from hashes
    group by value_hash
    having count(*) > 1

),

candidates as (

    {#- `model` may be a subquery with its alias (tlc_merged_months): no alias of ours. #}
    select {{ column_name }} as unique_field
    from {{ model }}
    semi join shared_hashes on hash({{ column_name }}) = shared_hashes.value_hash
    where {{ column_name }} is not null

),

final as (

    select
        unique_field,
        count(*) as n_records

    from candidates
    group by unique_field
    having count(*) > 1

)

select * from final

{% endmacro %}
