-- Homework: how many rows are there for the yellow taxi data for the March 2021 CSV file?
-- (published: 1,925,152). Rows landed per the manifest next to rows in the merged table.

{{ tlc_rows_by_file_pattern('yellow', tlc_file_name('yellow', '2021-03')) }}
