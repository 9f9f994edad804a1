-- Every landed fhv trip, CSV and parquet, typed and keyed (macros/trips/tlc_staged_view.sql).

{{ tlc_staged_view('fhv', source('tlc', 'fhv_tripdata_ext'), source('tlc', 'fhv_tripdata_parquet_ext')) }}
