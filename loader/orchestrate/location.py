"""The code location's Definitions, built from the loader's settings."""

from __future__ import annotations

import os
import warnings
from pathlib import Path

# dagster-dbt pulls sqlglot's old Rust tokenizer in, and sqlglot warns about it on import.
warnings.filterwarnings("ignore", message=r"sqlglot\[rs\] is deprecated")
warnings.filterwarnings("ignore", message=r"sqlglotrs is deprecated")
# The single-run backfill policy (a range lands in one run, one build) is marked beta.
warnings.filterwarnings("ignore", message=r"Parameter `backfill_policy` .* is currently in beta")

import dagster as dg  # noqa: E402
from dagster_dbt import DbtCliResource  # noqa: E402

from loader.config import PROJECT_ROOT, Settings  # noqa: E402
from loader.dbt_runner import dbt_executable  # noqa: E402
from loader.orchestrate.dbt_assets import manifest_path, taxi_elt_dbt_assets  # noqa: E402
from loader.orchestrate.landing import landed_file_asset  # noqa: E402
from loader.orchestrate.schedules import land_and_build_job, monthly_schedule  # noqa: E402
from loader.taxis import TAXI_TYPES  # noqa: E402


def dagster_target() -> Path:
    """Where the code location keeps dbt's manifest and each build's artifacts: `dagster`
    in dbt's target folder (DBT_TARGET_PATH, relative to the project; target by default)."""
    return PROJECT_ROOT / (os.environ.get("DBT_TARGET_PATH") or "target") / "dagster"


def build_definitions(settings: Settings, target: Path | None = None) -> dg.Definitions:
    """Assets, jobs and schedules for every taxi type; dbt's manifest parsed into `target`
    (dagster_target() by default) when the project changed since."""
    target = target or dagster_target()
    taxis = list(TAXI_TYPES.values())
    jobs = {taxi.name: land_and_build_job(taxi, settings) for taxi in taxis}
    return dg.Definitions(
        assets=[
            *(landed_file_asset(taxi, settings) for taxi in taxis),
            taxi_elt_dbt_assets(settings, manifest_path(settings, target), target / "runs"),
        ],
        jobs=list(jobs.values()),
        schedules=[monthly_schedule(taxi, settings, jobs[taxi.name]) for taxi in taxis],
        resources={
            "dbt": DbtCliResource(project_dir=str(PROJECT_ROOT), dbt_executable=dbt_executable())
        },
    )
