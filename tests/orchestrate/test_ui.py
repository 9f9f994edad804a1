"""`make ui`'s webserver on a loopback port: headless Chromium opens the asset lineage and
finds the landed files, the merged tables and the marts in it; the screenshot is the one in
the README (UPDATE_DOCS_SCREENSHOTS=1 writes it to docs/dagster-lineage.png)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, Workspace
from tests.support.chromium import png_size, render
from tests.support.gcs_server import free_port

pytestmark = pytest.mark.e2e

LOCATION_STATUS = (
    '{"query": "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus '
    'locationOrLoadError { __typename ... on PythonError { message } } } } } }"}'
)
LINEAGE = "assets/fct_trips?view=lineage&lineageScope=upstream&lineageDepth=6"
WINDOW = (1600, 1000)


def wait_for_location(base: str, process: subprocess.Popen, log: Path) -> None:
    """Until the webserver answers and its code location is loaded (or failed to)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            request = urllib.request.Request(
                f"{base}/graphql",
                data=LOCATION_STATUS.encode(),
                headers={"Content-Type": "application/json"},
            )
            with urllib.request.urlopen(request, timeout=5) as answer:
                entries = json.load(answer)["data"]["workspaceOrError"]["locationEntries"]
        except (OSError, KeyError, TypeError, ValueError):
            time.sleep(0.5)
            continue
        (entry,) = entries
        if entry["loadStatus"] == "LOADED":
            loaded = entry["locationOrLoadError"]
            assert loaded["__typename"] == "RepositoryLocation", loaded
            return
        time.sleep(0.5)
    pytest.fail(f"the code location did not load in 120 s: {log.read_text()[-3000:]}")


def test_the_ui_shows_the_lineage_from_landed_files_to_the_marts(
    workspace: Workspace, dagster_target: Path, tmp_path: Path
) -> None:
    home = tmp_path / "dagster-home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "loader" / "orchestrate" / "dagster.yaml", home / "dagster.yaml")
    env = workspace.env(
        SYNC_FROM="2021-01",
        DAGSTER_HOME=str(home),
        DBT_TARGET_PATH=str(dagster_target.parent),  # the manifest the session parsed
    )
    port = free_port()
    log = tmp_path / "webserver.log"
    webserver = str(Path(sys.executable).with_name("dagster-webserver"))
    command = [webserver, "-m", "loader.orchestrate.definitions", "-h", "127.0.0.1"]
    with log.open("w") as output:
        process = subprocess.Popen(
            [*command, "-p", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for_location(base, process, log)
        dom, image = render(f"{base}/{LINEAGE}", tmp_path, window=WINDOW)
        for group in ("landing", "core", "analytics", "seeds"):
            assert f">{group}<" in dom, group
        # Each type twice: its landed-file asset (landing) and its merged table (core).
        for taxi in ("green", "yellow", "fhv", "fhvhv"):
            assert dom.count(f">{taxi}_tripdata<") == 2, taxi
        assert ">int_trips_unioned<" in dom and ">fct_trips<" in dom
        assert png_size(image) == WINDOW
        if os.environ.get("UPDATE_DOCS_SCREENSHOTS"):
            shutil.copy(image, PROJECT_ROOT / "docs" / "dagster-lineage.png")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
