-- Homework: the rendered value of `file` for taxi green, year 2020, month 04. The seed renders
-- "{{ '{{inputs.taxi}}_tripdata_{{inputs.year}}-{{inputs.month}}.csv' }}"; the loader lands the
-- month under the same name (loader/landing/layout.py).

{%- set taxi, year, month = 'green', '2020', '04' %}

select '{{ taxi }}_tripdata_{{ year }}-{{ month }}.csv' as file
