"""The dbt project as Dagster assets, its tests as asset checks.

The translator maps each merged model's sources (`tlc.<taxi>_tripdata_ext` and its parquet
twin) to the landed-file asset of that type, so the lineage runs from each landed file
through staging and the merged tables to the marts. A build is `dbt build` under the same
warehouse lock and with the same settings as `make build` (dagster-dbt runs it and reports
each node); after it, each merged model's materialization carries what this build merged
(merge_log) and whether every landed file of the type reconciles.
"""

import json
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster import AssetExecutionContext
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    dbt_assets,
)

from loader.config import PROJECT_ROOT, Settings
from loader.dbt_runner import (
    dbt_executable,
    dbt_process_environment,
    environment_applied,
    summarize,
    unreconciled,
    warehouse_turn,
)
from loader.errors import LoaderError
from loader.merge_log import merged_by
from loader.orchestrate.landing import landed_file_key
from loader.reconcile import file_statuses
from loader.taxis import TAXI_TYPES

# dbt's files: a change to any of them makes the manifest stale.
PROJECT_FILES = ("dbt_project.yml", "dbt_project")


class TaxiEltTranslator(DagsterDbtTranslator):
    """dagster-dbt's defaults, but a type's landed-file sources are its landed-file asset."""

    def __init__(self) -> None:
        super().__init__(
            settings=DagsterDbtTranslatorSettings(
                enable_asset_checks=True, enable_duplicate_source_asset_keys=True
            )
        )

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        taxi = landed_source_taxi(dbt_resource_props)
        if taxi is not None:
            return landed_file_key(TAXI_TYPES[taxi])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        """The project's folders: staging, core (the merged tables), analytics; and seeds."""
        if dbt_resource_props.get("resource_type") == "seed":
            return "seeds"
        fqn = dbt_resource_props.get("fqn") or []
        return fqn[1] if len(fqn) > 2 else super().get_group_name(dbt_resource_props)


def landed_source_taxi(props: Mapping[str, Any]) -> str | None:
    """The taxi type whose landed files a dbt source reads, or None."""
    if props.get("resource_type") != "source" or props.get("source_name") != "tlc":
        return None
    name = str(props.get("name", ""))
    for taxi in TAXI_TYPES:
        if name in (f"{taxi}_tripdata_ext", f"{taxi}_tripdata_parquet_ext"):
            return taxi
    return None


def manifest_path(settings: Settings, target: Path) -> Path:
    """dbt's manifest of the project, parsed again when a project file is newer than it."""
    manifest = target / "manifest.json"
    if manifest.exists() and manifest.stat().st_mtime >= _newest_project_file():
        return manifest
    target.mkdir(parents=True, exist_ok=True)
    with dbt_process_environment(settings, DBT_TARGET_PATH=str(target)) as environment:
        done = subprocess.run(
            [dbt_executable(), "parse", "--quiet", "--no-use-colors"],
            cwd=PROJECT_ROOT,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
    if done.returncode != 0 or not manifest.exists():
        said = (done.stdout + done.stderr).strip().splitlines()
        raise LoaderError(f"dbt parse failed: {said[-1] if said else 'no output'}")
    return manifest


def _newest_project_file() -> float:
    newest = 0.0
    for name in PROJECT_FILES:
        path = PROJECT_ROOT / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        newest = max([newest, *(p.stat().st_mtime for p in files)])
    return newest


def taxi_elt_dbt_assets(settings: Settings, manifest: Path, runs: Path) -> dg.AssetsDefinition:
    """The project's nodes as one multi-asset; each build's artifacts in `runs`/<run id>."""

    @dbt_assets(
        manifest=manifest,
        dagster_dbt_translator=TaxiEltTranslator(),
        backfill_policy=dg.BackfillPolicy.single_run(),
        name="taxi_elt_dbt",
    )
    def taxi_elt_dbt(context: AssetExecutionContext, dbt: DbtCliResource):
        # DBT_TARGET_PATH while dagster-dbt starts dbt: it copies the partial parse of the
        # manifest's folder into the build's own, and dbt parses only what changed since.
        with (
            warehouse_turn(settings),
            dbt_process_environment(settings, DBT_TARGET_PATH=str(manifest.parent)) as environment,
        ):
            with environment_applied(environment):
                invocation = dbt.cli(
                    ["build"],
                    context=context,
                    raise_on_error=False,
                    target_path=runs / context.run.run_id,
                )
            events = list(invocation.stream())
            # Still our turn: read what the build merged before another build may start.
            run_results = invocation.target_path / "run_results.json"
            merged = merged_metadata(settings, invocation_id(run_results))
            problems = [] if invocation.is_successful() else unreconciled(settings, run_results)
        for event in events:
            if isinstance(event, dg.Output) and event.output_name in merged:
                event = event.with_metadata({**event.metadata, **merged[event.output_name]})
            yield event
        if not invocation.is_successful():
            # The line `make build` prints, and the files that do not reconcile, if any.
            raise dg.Failure(
                description="; ".join(
                    [f"dbt build failed ({summarize(run_results)})", *map(str.strip, problems)]
                ),
            )

    return taxi_elt_dbt


def invocation_id(run_results: Path) -> str:
    """dbt's id of the build (merge_log records it), or '' without run results."""
    try:
        return str(json.loads(run_results.read_text())["metadata"]["invocation_id"])
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def merged_metadata(settings: Settings, invocation_id: str) -> dict[str, dict[str, object]]:
    """Per merged model (by its output name, the model's): what this build merged, and
    whether every landed file of the type reconciles now."""
    try:
        statuses = file_statuses(settings)
    except LoaderError:
        statuses = []
    metadata = {}
    for taxi in TAXI_TYPES:
        merged = merged_by(settings, invocation_id, taxi)
        if merged is None:
            continue
        of_taxi = [status for status in statuses if status.taxi == taxi]
        metadata[f"{taxi}_tripdata"] = {
            "files merged": dg.MetadataValue.int(merged.files - merged.unreadable),
            "rows merged": dg.MetadataValue.int(merged.rows),
            "duplicates removed": dg.MetadataValue.int(merged.duplicates),
            "unreadable files": dg.MetadataValue.int(merged.unreadable),
            "reconciled": dg.MetadataValue.bool(
                bool(of_taxi) and all(status.reconciled for status in of_taxi)
            ),
            "files landed": dg.MetadataValue.int(len(of_taxi)),
        }
    return metadata
