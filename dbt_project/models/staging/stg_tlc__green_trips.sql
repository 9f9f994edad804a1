-- Green trips as landed, typed and keyed: see macros/trips/tlc_staged_trips.sql.

{{ tlc_staged_trips('green', source('tlc', 'green_tripdata_ext')) }}
