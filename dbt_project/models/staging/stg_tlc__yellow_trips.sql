-- Every landed yellow trip, CSV and parquet, typed and keyed (macros/trips/tlc_staged_view.sql).

{{ tlc_staged_view('yellow', source('tlc', 'yellow_tripdata_ext'), source('tlc', 'yellow_tripdata_parquet_ext')) }}
