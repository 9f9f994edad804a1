-- Homework: how many rows are there for the green taxi data for all CSV files in 2020?
-- (published: 1,734,051). Rows landed per the manifest next to rows in the merged table.

{{ tlc_rows_by_file_pattern('green', 'green_tripdata_2020-%') }}
