-- Homework: how many rows are there for the yellow taxi data for all CSV files in 2020?
-- (published: 24,648,499). Rows landed per the manifest next to rows in the merged table.

{{ tlc_rows_by_file_pattern('yellow', 'yellow_tripdata_2020-%') }}
