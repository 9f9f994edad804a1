"""Session fixtures of the BigQuery lane: fake-gcs-server on its filesystem backend and
bqemulator over the same folder, both on free loopback ports, both stopped by PID."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.bigquery.emulator import (
    PROJECT_ROOT,
    BigQueryEmulator,
    bigquery_client,
    bqemu_venv,
    stage_sources,
)
from tests.conftest import COMMANDS
from tests.support.gcs_server import FakeGcsServer

PROFILES_DIR = Path(__file__).resolve().parent / "profiles"
PROJECT = "taxi-emu"
DATASET = "taxi_elt"

# Never inherited from the caller's shell: this lane decides them (and never reaches Google).
_ISOLATED = {
    "TLC_SOURCE_URL",
    "LANDING_URI",
    "DUCKDB_PATH",
    "DBT_TARGET",
    "DBT_PROFILES_DIR",
    "SYNC_FROM",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GCP_SERVICE_ACCOUNT",
    "GCP_PROJECT_ID",
    "BQ_DATASET",
    "BQ_LOCATION",
    "STORAGE_EMULATOR_HOST",
    "BIGQUERY_EMULATOR_HOST",
}
# dbt commands of the lane: the emulator has no external tables (see emulator.py).
NO_EXTERNAL_TABLES = ("--vars", "{tlc_external_tables: false}")


@pytest.fixture(scope="session")
def bq_lane_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bq-lane")


@pytest.fixture(scope="session")
def gcs_fs_server(bq_lane_dir: Path) -> Iterator[FakeGcsServer]:
    """fake-gcs-server keeping objects as plain files under <lane>/gcs/<bucket>/<object>."""
    root = bq_lane_dir / "gcs"
    root.mkdir()
    server = FakeGcsServer(
        log_path=bq_lane_dir / "fake-gcs.log",
        # Last on the command line: overrides the wrapper's `-backend memory`.
        extra_args=("-backend", "filesystem", "-filesystem-root", str(root)),
    )
    server.gcs_root = root  # type: ignore[attr-defined]
    with server:
        yield server


@pytest.fixture(scope="session")
def bq_emulator(gcs_fs_server: FakeGcsServer, bq_lane_dir: Path) -> Iterator[BigQueryEmulator]:
    if not (bqemu_venv() / "bin" / "bqemulator").exists():
        pytest.fail(f"bqemulator is not installed in {bqemu_venv()}: run `make bqemu`")
    emulator = BigQueryEmulator(
        gcs_root=gcs_fs_server.gcs_root,  # type: ignore[attr-defined]
        home=bq_lane_dir / "bqemu-home",
        log_path=bq_lane_dir / "bqemulator.log",
        project=PROJECT,
    )
    with emulator:
        yield emulator


@dataclass
class BigQueryLane:
    """The landing bucket, the emulator and the env the loader and dbt run with."""

    gcs: FakeGcsServer
    emulator: BigQueryEmulator
    bucket: str
    source_url: str
    work: Path
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def landing_uri(self) -> str:
        return f"gs://{self.bucket}/landing"

    def env(self, **extra: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in _ISOLATED}
        env.update(
            TLC_SOURCE_URL=self.source_url,
            LANDING_URI=self.landing_uri,
            STORAGE_EMULATOR_HOST=self.gcs.url,
            BIGQUERY_EMULATOR_HOST=self.emulator.url,
            GCP_PROJECT_ID=PROJECT,
            BQ_DATASET=DATASET,
            DBT_TARGET="bigquery",
            DBT_PROFILES_DIR=str(PROFILES_DIR),
            DBT_TARGET_PATH=str(self.work / "target"),
            DBT_LOG_PATH=str(self.work / "logs"),
            TLC_HTTP_BACKOFF="0.01",
            TLC_HTTP_TIMEOUT="10",
            PYTHONUNBUFFERED="1",
            NO_GCE_CHECK="True",  # google-auth: no probing for a metadata server
        )
        env.update(extra)
        return env

    def client(self):
        return bigquery_client(self.emulator.url, PROJECT)

    def storage_client(self):
        from google.api_core.client_options import ClientOptions
        from google.auth.credentials import AnonymousCredentials
        from google.cloud import storage

        return storage.Client(
            project=PROJECT,
            credentials=AnonymousCredentials(),
            client_options=ClientOptions(api_endpoint=self.gcs.url),
        )

    def stage(self):
        return stage_sources(
            self.client(), self.storage_client(), landing_uri=self.landing_uri, dataset=DATASET
        )

    def run(self, *command: str, timeout: int = 600, **env: str):
        import subprocess

        return subprocess.run(
            list(command),
            cwd=PROJECT_ROOT,
            env=self.env(**env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def loader(self, *args: str, **env: str):
        return self._command("loader", args, env, timeout=300)

    def dbt(self, *args: str, **env: str):
        """dbt with the lane's vars: the same every time, so partial parsing holds."""
        return self._command("dbt", (*args, *NO_EXTERNAL_TABLES), env, timeout=600)

    def _command(self, program: str, args, env: dict[str, str], timeout: int):
        """Forked warm from the worker's command server, as the e2e workspace's commands."""
        import subprocess

        done = COMMANDS.run(program, list(args), self.env(**env), PROJECT_ROOT, timeout)
        return subprocess.CompletedProcess([program, *args], done.code, done.stdout, done.stderr)

    def query(self, sql: str) -> list[tuple]:
        return [tuple(row.values()) for row in self.client().query(sql).result(timeout=300)]


@pytest.fixture(scope="session")
def bq_lane(gcs_fs_server, bq_emulator, tlc_server, bq_lane_dir) -> BigQueryLane:
    bucket = f"taxi-{uuid.uuid4().hex[:12]}"
    lane = BigQueryLane(gcs_fs_server, bq_emulator, bucket, tlc_server, bq_lane_dir)
    lane.storage_client().create_bucket(bucket)
    return lane
