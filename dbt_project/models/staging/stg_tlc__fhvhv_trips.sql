-- Every landed fhvhv trip, CSV and parquet, typed and keyed (macros/trips/tlc_staged_view.sql).

{{ tlc_staged_view('fhvhv', source('tlc', 'fhvhv_tripdata_ext'), source('tlc', 'fhvhv_tripdata_parquet_ext')) }}
