"""Two loads of one month at once (local and GCS), GCS failing midway, a full disk."""

from __future__ import annotations

import errno
import gzip
import subprocess
import sys
import time

import pytest
from google.cloud import storage

from tests.conftest import PROJECT_ROOT
from tests.faults.conftest import landed_state, only
from tests.support.gcs_server import FakeGcsServer
from tests.support.http_server import Plan, faulty_handler, serve_folder

LOAD = ["load", "--taxi", "green", "--month", "2021-01"]


def together(workspace, count: int, args: list[str], **env) -> list[subprocess.CompletedProcess]:
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "loader", *args],
            cwd=PROJECT_ROOT,
            env=workspace.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    return [(process, *process.communicate(timeout=120)) for process in processes]


def slow_plan() -> Plan:
    # Every request streams slowly, so the loads overlap for real.
    return Plan(*[("slow", 128 * 1024, 0.02)] * 4)


def test_two_local_loads_of_one_month_at_once(workspace, fault_mirror, clean_state):
    with serve_folder(fault_mirror, faulty_handler(slow_plan())) as url:
        runs = together(workspace, 2, [*LOAD, "--source-url", url])
    assert [process.returncode for process, _, _ in runs] == [0, 0], runs
    outputs = sorted(out.split()[0] for _, out, _ in runs)
    assert outputs == ["landed", "unchanged"]
    assert landed_state(workspace) == only(clean_state, ("2021-01",))


def test_two_gcs_loads_of_one_month_at_once(workspace, gcs_bucket, gcs_server, fault_mirror):
    env = {"LANDING_URI": f"gs://{gcs_bucket}/landing", "STORAGE_EMULATOR_HOST": gcs_server.url}
    with serve_folder(fault_mirror, faulty_handler(slow_plan())) as url:
        runs = together(workspace, 2, [*LOAD, "--source-url", url], **env)
    assert [process.returncode for process, _, _ in runs] == [0, 0], runs
    assert sorted(out.split()[0] for _, out, _ in runs) == ["landed", "unchanged"]
    client = storage.Client(project="test")
    names = sorted(b.name for b in client.list_blobs(gcs_bucket) if "/_runs/" not in b.name)
    assert names == [
        "landing/_manifest/green_tripdata_2021-01.json",
        "landing/green/green_tripdata_2021-01.csv",
    ]
    landed = client.bucket(gcs_bucket).blob("landing/green/green_tripdata_2021-01.csv")
    source = (fault_mirror / "green/green_tripdata_2021-01.csv.gz").read_bytes()
    assert landed.download_as_bytes() == gzip.decompress(source)


@pytest.fixture
def big_month(shared_tlc, mirror):
    """A 55 MB month (seven real ones in one file): the upload spans two 32 MiB chunks."""
    parts = []
    for month in ("2021-01", "2021-02", "2021-03", "2021-04", "2021-05", "2021-06", "2021-07"):
        text = gzip.decompress((shared_tlc / f"green/green_tripdata_{month}.csv.gz").read_bytes())
        parts.append(text if not parts else text.split(b"\n", 1)[1])
    (mirror / "green/green_tripdata_2021-01.csv.gz").write_bytes(gzip.compress(b"".join(parts), 1))
    return mirror


def test_gcs_stopped_during_the_upload(workspace, big_month, tmp_path, monkeypatch):
    storage_root = tmp_path / "gcs-data"
    storage_root.mkdir()
    with FakeGcsServer(
        log_path=tmp_path / "gcs.log",
        extra_args=("-backend", "filesystem", "-filesystem-root", str(storage_root)),
    ) as server:
        env = {
            "LANDING_URI": "gs://stopped-bucket/landing",
            "STORAGE_EMULATOR_HOST": server.url,
            "TLC_HTTP_TIMEOUT": "3",
        }
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", server.url)
        storage.Client(project="test").create_bucket("stopped-bucket")
        plan = Plan(("slow", 256 * 1024, 0.05))  # about 2.5 s to stream the month
        with serve_folder(big_month, faulty_handler(plan)) as url:
            process = subprocess.Popen(
                [sys.executable, "-m", "loader", *LOAD, "--source-url", url],
                cwd=PROJECT_ROOT,
                env=workspace.env(**env),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            # Timed from the download's start, not the process's (imports take a while on a
            # loaded machine): past the first 32 MiB chunk, before the last.
            deadline = time.monotonic() + 60
            while not any(method == "GET" for method, _ in plan.requests):
                assert time.monotonic() < deadline and process.poll() is None
                time.sleep(0.02)
            time.sleep(1.9)
            server.stop()
            started = time.monotonic()
            out, err = process.communicate(timeout=120)
            waited = time.monotonic() - started
        assert process.returncode == 1, out + err
        line = err.strip().splitlines()[-1]
        assert line.startswith("error: ") and "nothing was published" in line, err
        assert waited < 60  # a bounded retry, not the client's ten-minute default
        server.restart()
        client = storage.Client(project="test")
        names = [blob.name for blob in client.list_blobs("stopped-bucket")]
    assert not any(name.startswith("landing/green/") for name in names), names
    assert not any(name.startswith("landing/_manifest/") for name in names), names


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB filesystem for the landing (tmpfs); skips the mount where it is not allowed."""
    mount = tmp_path / "small"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_full_disk_leaves_nothing_partial(workspace, fault_mirror, small_disk, monkeypatch):
    if small_disk is not None:
        run = workspace.loader(*LOAD, LANDING_URI=str(small_disk / "lake"))
        assert run.code == 1
        line = run.stderr.strip().splitlines()[-1]
        assert "landing folder is full" in line, run.stderr
        files = [p for p in (small_disk / "lake").rglob("*") if p.is_file()]
        assert [p.name for p in files if not {"_locks", "_runs"} & set(p.parts)] == []
        return
    # No mount allowed here: simulate ENOSPC after 2 MB, in process.
    from loader.config import load_settings
    from loader.errors import LandingError
    from loader.land import land_month
    from loader.landing import local as landing_module
    from loader.months import Month
    from loader.source import Source
    from loader.taxis import GREEN

    original = landing_module.LocalFileWriter.write
    written = {"bytes": 0}

    def full(self, data):
        written["bytes"] += len(data)
        if written["bytes"] > 2_000_000:
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(self, data)

    monkeypatch.setattr(landing_module.LocalFileWriter, "write", full)
    settings = load_settings({}, source_url=str(fault_mirror), landing_uri=str(workspace.landing))
    with pytest.raises(LandingError, match="landing folder is full"):
        land_month(
            settings,
            landing_module.LocalLanding(workspace.landing),
            Source(settings),
            GREEN,
            Month(2021, 1),
        )
    assert workspace.landed_files() == []
