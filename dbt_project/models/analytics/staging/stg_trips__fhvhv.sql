-- High-volume for-hire (fhvhv) trips in the analytics shape: see
-- macros/analytics/analytics_staged_trips.sql.

{{ analytics_staged_trips('fhvhv', ref('fhvhv_tripdata')) }}
