-- Every green trip landed, once: the tlc_merged materialization merges one file at a time.

{{ config(meta={'taxi': 'green'}) }}

{{ tlc_merged_trips('green') }}
