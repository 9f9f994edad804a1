"""SIGKILL: the loader during a download and during an upload, dbt during a merge; then again.
SIGTERM: the loader stops cleanly, saying so."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from google.cloud import storage

from tests.conftest import PROJECT_ROOT
from tests.faults.conftest import end_state, landed_state, merged_state, only
from tests.support.http_server import Plan, faulty_handler, serve_folder

LOAD = ["load", "--taxi", "green", "--month", "2021-01"]


def start(workspace, args: list[str], **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "loader", *args],
        cwd=PROJECT_ROOT,
        env=workspace.env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def kill_when(process: subprocess.Popen, ready, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        assert process.poll() is None, "finished before it could be killed"
        assert time.monotonic() < deadline, "never reached the point to kill at"
        time.sleep(0.02)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_loader_killed_during_the_download(workspace, fault_mirror, clean_state):
    plan = Plan(("slow", 64 * 1024, 0.05))  # about 1.1 s to send the month
    with serve_folder(fault_mirror, faulty_handler(plan)) as url:
        process = start(workspace, [*LOAD, "--source-url", url])
        folder = workspace.landing / "green"
        kill_when(process, lambda: folder.exists() and any(folder.glob(".*.part")))
    assert not (workspace.landing / "green/green_tripdata_2021-01.csv").exists()
    assert landed_state(workspace)["manifest"] == {}

    again = workspace.loader(*LOAD)
    assert again.code == 0, again.stderr
    assert landed_state(workspace) == only(clean_state, ("2021-01",))  # temp gone too


def test_loader_killed_during_the_upload(workspace, gcs_bucket, gcs_server, fault_mirror):
    env = {"LANDING_URI": f"gs://{gcs_bucket}/landing", "STORAGE_EMULATOR_HOST": gcs_server.url}
    client = storage.Client(project="test")
    plan = Plan(("slow", 64 * 1024, 0.05))
    with serve_folder(fault_mirror, faulty_handler(plan)) as url:
        process = start(workspace, [*LOAD, "--source-url", url], **env)
        # The lock object shows the load is under way; kill it mid-stream.
        kill_when(process, lambda: any(client.list_blobs(gcs_bucket, prefix="landing/_locks/")))
    names = {b.name for b in client.list_blobs(gcs_bucket) if "/_runs/" not in b.name}
    assert "landing/green/green_tripdata_2021-01.csv" not in names
    assert not any(name.startswith("landing/_manifest/") for name in names)

    again = workspace.loader(*LOAD, **env)  # the dead holder's lock is taken over at once
    assert again.code == 0, again.stderr
    names = sorted(b.name for b in client.list_blobs(gcs_bucket) if "/_runs/" not in b.name)
    assert names == [
        "landing/_manifest/green_tripdata_2021-01.json",
        "landing/green/green_tripdata_2021-01.csv",
    ]
    source = (fault_mirror / "green/green_tripdata_2021-01.csv.gz").read_bytes()
    import gzip

    landed = client.bucket(gcs_bucket).blob("landing/green/green_tripdata_2021-01.csv")
    assert landed.download_as_bytes() == gzip.decompress(source)


def test_dbt_killed_during_the_merge(workspace, clean_state):
    assert workspace.loader(*LOAD).code == 0
    assert workspace.dbt("build").code == 0
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-02").code == 0
    log = Path(workspace.root / "logs" / "dbt.log")
    offset = log.stat().st_size
    dbt = subprocess.Popen(
        [str(Path(sys.executable).with_name("dbt")), "build"],
        cwd=PROJECT_ROOT,
        env=workspace.env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def merging() -> bool:
        with log.open("rb") as handle:
            handle.seek(offset)
            return b'insert into "taxi"."main"."green_tripdata"' in handle.read()

    kill_when(dbt, merging)
    # Whatever the merge had done is rolled back: the table is still the first month's.
    assert workspace.query("select count(*) from green_tripdata") == [(76_518,)]

    again = workspace.dbt("build")
    assert again.code == 0, again.stdout[-2000:]
    state = end_state(workspace)
    assert state["merged"] == clean_state["merged"]
    assert landed_state(workspace) == clean_state["landed"]
    assert merged_state(workspace)["green_tripdata"][0] == 141_090


def test_sigterm_during_a_load_leaves_no_temporary(workspace, fault_mirror):
    plan = Plan(("slow", 32 * 1024, 0.05))
    with serve_folder(fault_mirror, faulty_handler(plan)) as url:
        process = subprocess.Popen(
            [sys.executable, "-m", "loader", "load", "--taxi", "green", "--month", "2021-01"],
            cwd=PROJECT_ROOT,
            env=workspace.env(TLC_SOURCE_URL=url),
            stderr=subprocess.PIPE,
            text=True,
        )
        folder = workspace.landing / "green"
        deadline = time.monotonic() + 60
        while not (folder.exists() and any(folder.glob(".*.part"))):
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.02)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143
    assert stderr.strip().splitlines()[-1] == (
        "error: terminated; nothing half-landed was published"
    )
    assert list(folder.iterdir()) == []  # no temporary, nothing published
    assert workspace.landed_files() == []
