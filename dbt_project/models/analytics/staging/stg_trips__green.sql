-- Green trips in the analytics shape: see macros/analytics/analytics_staged_trips.sql.

{{ analytics_staged_trips('green', ref('green_tripdata')) }}
