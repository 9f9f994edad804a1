{% macro tlc_checked_location(location) %}
    {#- A landing location ends up inside SQL string literals: allow plain path characters
        only, and collapse repeated slashes (a trailing / in LANDING_URI). A relative folder
        is relative to the project (as the loader resolves it), wherever dbt runs from:
        `project_dir` is the folder of dbt_project.yml dbt found or was given, made absolute
        (flags.PROJECT_DIR is not among the flags dbt shows to Jinja: it is always empty). -#}
    {%- set normalized = modules.re.sub('(?<!:)/{2,}', '/', location | trim) -%}
    {%- if not normalized.startswith('/') and not normalized.startswith('gs://') -%}
        {%- set normalized = (invocation_args_dict.get('project_dir') or '.') ~ '/' ~ normalized -%}
    {%- endif -%}
    {%- if not modules.re.fullmatch('(gs://)?[A-Za-z0-9_./+*-]{1,1024}', normalized) -%}
        {{ exceptions.raise_compiler_error(
            "LANDING_URI gives the location '" ~ normalized[:120] ~ "', which may only hold "
            ~ "letters, digits and _ . / + - (no spaces, quotes or semicolons)") }}
    {%- endif -%}
    {{ return(normalized) }}
{% endmacro %}
