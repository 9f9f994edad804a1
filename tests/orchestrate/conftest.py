"""The Dagster code location's tests: a workspace of the test's own (landing, warehouse, dbt's
logs), the loader's settings read from it, and dbt's manifest parsed once per session."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, Workspace

# Without the orchestrate extra (make test installs it) these tests are not collected;
# dagster is not imported here, so collecting them stays quick.
if importlib.util.find_spec("dagster") is None:
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def dg():
    """dagster, imported by the tests that use it (not while every worker collects)."""
    import dagster

    return dagster


@pytest.fixture(scope="session")
def dagster_target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the code location keeps dbt's manifest (parsed once) and each build's artifacts:
    `dagster` in a dbt target folder, as the code location's default is in `target`."""
    return tmp_path_factory.mktemp("dbt-target") / "dagster"


@pytest.fixture
def location(workspace: Workspace, dagster_target: Path, monkeypatch):
    """Definitions of the code location over the test's workspace: `location(**env)` sets the
    workspace's environment (and `env` over it) in this process, where dagster-dbt starts dbt
    with it (undone after the test), and builds them from the settings it reads."""

    def build(**env: str):
        for name, value in workspace.env(SYNC_FROM="2021-01", **env).items():
            monkeypatch.setenv(name, value)
        from loader.config import load_settings
        from loader.orchestrate.location import build_definitions

        return build_definitions(load_settings(), dagster_target)

    return build


def materializations(result, key: list[str]) -> list:
    """The materializations of one asset in an in-process run's events."""
    found = []
    for event in result.all_events:
        if event.event_type_value != "ASSET_MATERIALIZATION":
            continue
        materialization = event.event_specific_data.materialization
        if materialization.asset_key.path == key:
            found.append(materialization)
    return found


def values(materialization) -> dict:
    return {name: entry.value for name, entry in materialization.metadata.items()}


__all__ = ["PROJECT_ROOT", "materializations", "values"]
