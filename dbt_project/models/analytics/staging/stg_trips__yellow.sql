-- Yellow trips in the analytics shape: see macros/analytics/analytics_staged_trips.sql.

{{ analytics_staged_trips('yellow', ref('yellow_tripdata')) }}
