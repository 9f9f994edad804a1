"""Fault injection: each case ends exactly as a clean run, or with nothing landed and a reason.

`end_state` captures what a run leaves: every landed object with its bytes' hash, the manifest
records (minus times and source validators), and each merged table's fingerprint (rows,
distinct keys, an order-free checksum of the keys).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, Workspace

VOLATILE = {"landed_at", "source_validator", "source_url", "uri", "previous_landed_at"}


def landed_state(workspace: Workspace) -> dict:
    objects, manifest = {}, {}
    for relpath in workspace.landed_files():
        data = (workspace.landing / relpath).read_bytes()
        if relpath.startswith("_manifest/"):
            record = json.loads(data)
            manifest[relpath] = {k: v for k, v in record.items() if k not in VOLATILE}
        else:
            objects[relpath] = hashlib.sha256(data).hexdigest()
    return {"objects": objects, "manifest": manifest}


def merged_state(workspace: Workspace) -> dict:
    if not workspace.duckdb_path.exists():
        return {}
    state = {}
    for table in ("green_tripdata", "yellow_tripdata"):
        state[table] = workspace.query(
            f"select count(*), count(distinct unique_row_id), "
            f"coalesce(sum(hash(unique_row_id) % 1000000007), 0) from {table}"
        )[0]
    state["merge_log"] = workspace.query(
        "select taxi, filename, file_crc32c, rows_landed, rows_read, rows_merged, "
        "duplicates_removed from merge_log order by all"
    )
    return state


def end_state(workspace: Workspace) -> dict:
    return {**landed_state(workspace), "merged": merged_state(workspace)}


@pytest.fixture
def fault_mirror(shared_tlc: Path, mirror: Path) -> Path:
    """A copy of the months the fault tests serve (the shared folder is read-only)."""
    for month in ("2021-01", "2021-02"):
        name = f"green_tripdata_{month}.csv.gz"
        shutil.copy(shared_tlc / "green" / name, mirror / "green" / name)
    return mirror


@pytest.fixture(scope="session")
def clean_state(tmp_path_factory, tlc_server: str) -> dict:
    """What an undisturbed load of green 2021-01 + 2021-02 and one dbt build leave behind."""
    root = tmp_path_factory.mktemp("clean")
    (root / "profiles").mkdir()
    shutil.copy(PROJECT_ROOT / "profiles.example.yml", root / "profiles" / "profiles.yml")
    workspace = Workspace(root=root, source_url=tlc_server)
    for month in ("2021-01", "2021-02"):
        run = workspace.loader("load", "--taxi", "green", "--month", month)
        assert run.code == 0, run.stderr
    landed = landed_state(workspace)
    build = workspace.dbt("build")
    assert build.code == 0, build.stdout[-2000:]
    return {"landed": landed, "merged": merged_state(workspace)}


def only(state: dict, months: tuple[str, ...]) -> dict:
    """The landed part of a clean state restricted to some months."""
    return {
        part: {path: value for path, value in entries.items() if any(m in path for m in months)}
        for part, entries in state["landed"].items()
    }
