-- Every yellow trip landed, once: the tlc_merged materialization merges one file at a time.

{{ config(meta={'taxi': 'yellow'}) }}

{{ tlc_merged_trips('yellow') }}
