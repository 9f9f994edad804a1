{% macro analytics_trips_pre_hook() %}
    {#- fct_trips pre-hook: deletes the rows of the files about to be inserted again and of
        the files gone from the merged tables; nothing on a first build or a full refresh. -#}
    {%- set batch = analytics_trips_batch() -%}
    {%- set files = batch.refresh + batch.gone -%}
    {%- if files -%}
        delete from {{ this }} where {{ analytics_trips_batch_filter(files) }}
    {%- endif -%}
{% endmacro %}
