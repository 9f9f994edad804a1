-- Yellow trips as landed, typed and keyed: see macros/trips/tlc_staged_trips.sql.

{{ tlc_staged_trips('yellow', source('tlc', 'yellow_tripdata_ext')) }}
