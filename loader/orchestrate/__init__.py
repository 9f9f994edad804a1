"""A Dagster code location over the loader and the dbt project (`make ui`).

Dagster calls the project's own functions: the landing of a month is the loader's (the same
checks, locks, manifest and one-line errors as `make load`), the build is the dbt project's
(`dbt build` under the same warehouse lock as `make build`), and the schedule asks for the
months `sync` would load (loader.due.plan_sync). The CLI and cron path stay as they
are; this is another door to the same house.

    landing.py      one landed-file asset per taxi type, partitioned by month
    dbt_assets.py   the dbt project as assets, the dbt tests as asset checks
    schedules.py    a job and a monthly schedule per taxi type
    location.py     the Definitions, built from the loader's settings
    definitions.py  the module `dagster dev -m` loads (reads the settings once)

Installed as the `orchestrate` extra (pip install -e '.[orchestrate]'; `make ui` does it).
"""
