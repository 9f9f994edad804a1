-- Every fhv trip landed, once: the tlc_merged materialization merges one file at a time.

{{ config(meta={'taxi': 'fhv'}) }}

{{ tlc_merged_trips('fhv') }}
