-- For-hire vehicle (fhv) trips in the analytics shape: see macros/analytics/analytics_staged_trips.sql.

{{ analytics_staged_trips('fhv', ref('fhv_tripdata')) }}
