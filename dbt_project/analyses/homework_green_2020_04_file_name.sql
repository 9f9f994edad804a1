-- Homework: the rendered value of `file` for taxi green, year 2020, month 04. The seed renders
-- "{{ '{{inputs.taxi}}_tripdata_{{inputs.year}}-{{inputs.month}}.csv' }}"; here the same name comes from
-- the tlc_file_name macro.

select '{{ tlc_file_name("green", "2020-04") }}' as file
