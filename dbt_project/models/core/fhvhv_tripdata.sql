-- Every fhvhv trip landed, once: the tlc_merged materialization merges one file at a time.

{{ config(meta={'taxi': 'fhvhv'}) }}

{{ tlc_merged_trips('fhvhv') }}
