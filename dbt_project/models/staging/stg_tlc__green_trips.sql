-- Every landed green trip, CSV and parquet, typed and keyed (macros/trips/tlc_staged_view.sql).

{{ tlc_staged_view('green', source('tlc', 'green_tripdata_ext'), source('tlc', 'green_tripdata_parquet_ext')) }}
