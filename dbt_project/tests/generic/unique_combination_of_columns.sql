{#- Each combination of `combination_of_columns` occurs once in `model`: one row per
    combination that occurs more than once, with its count. (No quotes in these comments:
    they run on BigQuery.) -#}

{% test unique_combination_of_columns(model, combination_of_columns) %}
with counted as (

    select
        {{ combination_of_columns | join(",\n        ") }},
        count(*) as occurrences

    from {{ model }}
    group by {{ combination_of_columns | join(", ") }}

),

final as (

    select * from counted
    where occurrences > 1

)

select * from final
{% endtest %}
