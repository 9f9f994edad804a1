{% macro tlc_manifest_source() %}
    {#- The `tlc.landed_files` source node: the manifest records, under `<landing>/_manifest/`. -#}
    {{ return(graph.sources.values() | selectattr('source_name', 'equalto', 'tlc')
        | selectattr('name', 'equalto', 'landed_files') | first) }}
{% endmacro %}
