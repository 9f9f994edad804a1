"""A local BigQuery for dbt's `bigquery` target: bqemulator (REST on DuckDB) reading the landing
from fake-gcs-server's filesystem backend, and the staging of the `*_ext` sources.

bqemulator lives in a venv of its own (its pins clash with the project's: sqlglot<30.12), made
by `make bqemu` from tests/bigquery/constraints-bqemu.txt; BQEMU_VENV overrides its location.

The emulator has no external tables, so `stage_sources()` does what the external tables do:
for every source of `tlc` with an `external:` block it (re)creates a native table of the same
name and declared columns, and fills it with real load jobs from gs://, one per landed object
(into a scratch table, then `insert ... select *, '<uri>'`, which adds the `_FILE_NAME`
column the models select). dbt then runs with `--vars '{tlc_external_tables: false}'`, which
skips the external-table DDL of stage_external_sources. Integer columns of CSV files are
NUMERIC there, as in the production DDL (BigQuery refuses "1.0" as INT64; staging casts).

Layout on disk: fake-gcs-server's filesystem backend keeps object `o` of bucket `b` as the
plain file `<root>/b/o` (metadata in a `user.metadata` xattr), and bqemulator resolves
`gs://b/o` to `<BQEMU_GCS_LOCAL_ROOT>/b/o`: one root for both, and the loader's uploads are
what the load jobs read.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import yaml

from tests.support.gcs_server import free_port, port_is_free

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
SOURCES_YML = PROJECT_ROOT / "dbt_project" / "models" / "staging" / "_tlc__sources.yml"
DEFAULT_VENV = PROJECT_ROOT / ".venv-bqemu"

_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

# Installs the spatial extension shipped in the duckdb-extension-spatial wheel into
# $HOME/.duckdb/extensions, where bqemulator's `INSTALL spatial; LOAD spatial` finds it. Without
# it a fresh HOME makes start-up try extensions.duckdb.org and exit ("spatial extension is
# required"): the wheel alone is not enough.
_INSTALL_SPATIAL = """
import pathlib, duckdb, duckdb_extension_spatial
version = 'v' + duckdb.__version__
folder = pathlib.Path(duckdb_extension_spatial.__file__).parent / 'extensions' / version
path = folder / 'spatial.duckdb_extension'
con = duckdb.connect()
con.execute("INSTALL '" + str(path) + "'")
con.execute('LOAD spatial')
"""


class EmulatorError(RuntimeError):
    """bqemulator is missing, exited early, or did not answer in time."""


def bqemu_venv() -> Path:
    return Path(os.environ.get("BQEMU_VENV") or DEFAULT_VENV)


class BigQueryEmulator:
    """`bqemulator start` on 127.0.0.1 (free ports), managed by PID, as a context manager.

    ``gcs_root`` is fake-gcs-server's filesystem root (gs:// URIs resolve under it); ``home``
    holds DuckDB's extension folder. The data is in memory (``--ephemeral``): stop() loses it.
    """

    def __init__(
        self,
        *,
        gcs_root: Path,
        home: Path,
        log_path: Path,
        project: str = "taxi-emu",
        venv: Path | None = None,
        startup_timeout: float = 60.0,
        stop_timeout: float = 10.0,
    ) -> None:
        self.gcs_root = Path(gcs_root)
        self.home = Path(home)
        self.log_path = Path(log_path)
        self.project = project
        self.venv = Path(venv) if venv is not None else bqemu_venv()
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.host = "127.0.0.1"
        self.rest_port: int | None = None
        self.grpc_port: int | None = None
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:P``: api_endpoint for dbt, BIGQUERY_EMULATOR_HOST for clients."""
        if self.rest_port is None:
            raise EmulatorError("emulator not started")
        return f"http://{self.host}:{self.rest_port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def rss_kb(self) -> dict[str, int]:
        """{'VmRSS': now, 'VmHWM': peak} in kB, from /proc."""
        if self.pid is None:
            return {}
        text = Path(f"/proc/{self.pid}/status").read_text()
        return {
            key: int(value.split()[0])
            for key, value in (line.split(":", 1) for line in text.splitlines() if ":" in line)
            if key in ("VmRSS", "VmHWM")
        }

    def env(self) -> dict[str, str]:
        return {
            "HOME": str(self.home),
            "BQEMU_GCS_LOCAL_ROOT": str(self.gcs_root),
            # Avro needs a download; nothing here uses Avro.
            "BQEMU_ENABLE_FORMAT_EXTENSIONS": "false",
            "PATH": f"{self.venv / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        }

    def install_spatial(self) -> None:
        python = self.venv / "bin" / "python"
        if not python.exists():
            raise EmulatorError(f"no bqemulator venv at {self.venv}: run `make bqemu`")
        self.home.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [str(python), "-c", _INSTALL_SPATIAL],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if done.returncode != 0:
            raise EmulatorError(f"installing DuckDB spatial failed: {done.stderr[-2000:]}")

    def start(self) -> BigQueryEmulator:
        if self._proc is not None and self._proc.poll() is None:
            return self
        self.install_spatial()
        self.gcs_root.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        last: EmulatorError | None = None
        for _ in range(3):  # a port taken between free_port() and the bind: pick again
            rest, grpc = free_port(self.host), free_port(self.host)
            if rest == grpc or not (port_is_free(rest) and port_is_free(grpc)):
                continue
            started = time.monotonic()
            try:
                self._spawn(rest, grpc)
                self._wait_ready(rest)
            except EmulatorError as error:
                last = error
                self._terminate()
                continue
            self.rest_port, self.grpc_port = rest, grpc
            self.startup_seconds = time.monotonic() - started
            return self
        raise last or EmulatorError("no free ports")

    def _spawn(self, rest: int, grpc: int) -> None:
        self._log = open(self.log_path, "ab")  # noqa: SIM115 (closed in _terminate)
        command = [
            str(self.venv / "bin" / "bqemulator"),
            "start",
            "--rest-host", self.host,
            "--rest-port", str(rest),
            "--grpc-host", self.host,
            "--grpc-port", str(grpc),
            "--project", self.project,
            "--ephemeral",
            "--log-level", "warning",
            "--log-format", "console",
        ]  # fmt: skip
        self._proc = subprocess.Popen(
            command,
            cwd=self.home,  # it reads .bqemu.toml from its working directory
            env=self.env(),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def _wait_ready(self, rest: int) -> None:
        assert self._proc is not None
        probe = f"http://{self.host}:{rest}/bigquery/v2/projects/{self.project}/datasets"
        deadline = time.monotonic() + self.startup_timeout
        while True:
            code = self._proc.poll()
            if code is not None:
                raise EmulatorError(
                    f"bqemulator exited with {code}; log {self.log_path}:\n"
                    + self.log_path.read_text(errors="replace")[-3000:]
                )
            try:
                with _NO_PROXY_OPENER.open(probe, timeout=1.0) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise EmulatorError(
                    f"bqemulator did not answer {probe} within "
                    f"{self.startup_timeout:.0f} s; log {self.log_path}"
                )
            time.sleep(0.05)

    def stop(self) -> None:
        self._terminate()

    def _terminate(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            # Its own session (start_new_session): signal the process group by its PID, so
            # uvicorn's workers go with it; only what we started.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        if self._log is not None:
            with contextlib.suppress(OSError):
                self._log.close()
            self._log = None

    def __enter__(self) -> BigQueryEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def bigquery_client(endpoint: str, project: str):
    """google-cloud-bigquery against the emulator: api_endpoint + anonymous credentials."""
    from google.api_core.client_options import ClientOptions
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import bigquery

    return bigquery.Client(
        project=project,
        credentials=AnonymousCredentials(),
        client_options=ClientOptions(api_endpoint=endpoint),
    )


# -- staging the external sources as native tables -------------------------------------------

_BQ_TYPES = {"integer": "INT64", "decimal": "NUMERIC", "timestamp": "TIMESTAMP", "text": "STRING"}
# What bigquery__tlc_external_build_plan declares for a CSV file's integer columns.
_CSV_INTEGER = "NUMERIC"
_SAFE_URI = re.compile(r"gs://[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]/[A-Za-z0-9_./+-]{1,1000}")


def bigquery_type(data_type: str | None, file_format: str = "json") -> str:
    """The BigQuery type of a declared data_type, as the external-table DDL declares it."""
    declared = (data_type or "varchar").lower().strip()
    if declared in ("bigint", "integer", "int", "int64", "smallint", "tinyint", "hugeint"):
        kind = "integer"
    elif declared.startswith(("numeric", "decimal", "bignumeric")):
        kind = "decimal"
    elif declared in ("timestamp", "datetime"):
        kind = "timestamp"
    elif declared in ("varchar", "string", "text"):
        kind = "text"
    else:
        raise ValueError(f"no BigQuery type for {data_type!r}")
    if kind == "integer" and file_format == "csv":
        return _CSV_INTEGER
    if kind == "timestamp" and file_format == "parquet":
        return "DATETIME"  # the loader's parquet timestamps carry no zone, as BigQuery reads them
    return _BQ_TYPES[kind]


@dataclass(frozen=True)
class ExternalSource:
    name: str
    suffix: str  # the location after LANDING_URI, e.g. /green/green_tripdata_*.csv
    file_format: str  # csv | parquet | json
    header: bool
    columns: list[tuple[str, str]]  # (name, BigQuery type), `filename` left out

    def pattern(self, landing_uri: str) -> str:
        return landing_uri.rstrip("/") + self.suffix


def external_sources(path: Path = SOURCES_YML) -> list[ExternalSource]:
    """The `tlc` sources with an `external:` block, from the project's YAML."""
    spec = yaml.safe_load(path.read_text())
    found = []
    for source in spec["sources"]:
        for table in source.get("tables", []):
            external = table.get("external")
            if not external:
                continue
            location = external["location"]
            # "{{ env_var('LANDING_URI', '') or 'lake' }}/green/green_tripdata_*.csv"
            if "}}" not in location:
                raise ValueError(f"unexpected location for {table['name']}: {location}")
            file_format = external.get("file_format") or "csv"
            found.append(
                ExternalSource(
                    name=table["name"],
                    suffix=location.split("}}", 1)[1],
                    file_format=file_format,
                    header=bool((external.get("options") or {}).get("header", True)),
                    columns=[
                        (column["name"], bigquery_type(column.get("data_type"), file_format))
                        for column in table["columns"]
                        if column["name"] != "filename"
                    ],
                )
            )
    return found


@dataclass
class StagedSource:
    name: str
    uris: list[str]
    rows: dict[str, int] = field(default_factory=dict)  # uri -> rows loaded
    seconds: float = 0.0


def landed_uris(storage_client, pattern: str) -> list[str]:
    """gs:// URIs of the objects matching a location pattern (`*` within one folder)."""
    match = re.fullmatch(r"gs://([^/]+)/(.*)", pattern)
    if not match:
        raise ValueError(f"the emulator lane reads a gs:// landing, not {pattern}")
    bucket, object_pattern = match.groups()
    prefix = object_pattern.split("*", 1)[0]
    uris = []
    for blob in storage_client.list_blobs(bucket, prefix=prefix):
        # Like a BigQuery wildcard over one folder: `*` does not cross a `/` here.
        if fnmatch.fnmatchcase(blob.name, object_pattern) and "/" not in blob.name[len(prefix) :]:
            uri = f"gs://{bucket}/{blob.name}"
            if not _SAFE_URI.fullmatch(uri):
                raise ValueError(f"refusing to stage an object with an unsafe name: {uri[:100]}")
            uris.append(uri)
    return sorted(uris)


def stage_sources(
    bq_client, storage_client, *, landing_uri: str, dataset: str
) -> dict[str, StagedSource]:
    """(Re)create every external source as a native table over what is landed now."""
    from google.cloud import bigquery

    project = bq_client.project
    bq_client.create_dataset(f"{project}.{dataset}", exists_ok=True)
    staged = {}
    for source in external_sources():
        started = time.monotonic()
        uris = landed_uris(storage_client, source.pattern(landing_uri))
        result = StagedSource(source.name, uris)
        table = f"`{project}.{dataset}.{source.name}`"
        schema = [bigquery.SchemaField(name, kind) for name, kind in source.columns]
        columns = [f"`{name}` {kind}" for name, kind in source.columns]
        if source.file_format in ("csv", "parquet"):
            columns.append("`_FILE_NAME` STRING")
        ddl = f"create or replace table {table} ({', '.join(columns)})"
        bq_client.query(ddl).result(timeout=300)
        if source.file_format in ("csv", "parquet"):
            scratch = f"{project}.{dataset}.{source.name}__load"
            if source.file_format == "csv":
                config = bigquery.LoadJobConfig(
                    source_format=bigquery.SourceFormat.CSV,
                    schema=schema,
                    skip_leading_rows=1 if source.header else 0,
                    field_delimiter=",",
                    quote_character='"',
                    allow_quoted_newlines=True,
                    allow_jagged_rows=False,
                    max_bad_records=0,
                    write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE,
                    create_disposition=bigquery.CreateDisposition.CREATE_IF_NEEDED,
                )
            else:  # the emulator fills a parquet load by position too: the canonical order
                config = bigquery.LoadJobConfig(
                    source_format=bigquery.SourceFormat.PARQUET,
                    schema=schema,
                    write_disposition=bigquery.WriteDisposition.WRITE_TRUNCATE,
                    create_disposition=bigquery.CreateDisposition.CREATE_IF_NEEDED,
                )
            for uri in uris:
                job = bq_client.load_table_from_uri(uri, scratch, job_config=config)
                job.result(timeout=300)
                result.rows[uri] = int(job.output_rows or 0)
                # The load job fills the declared columns by position; the URI goes in as
                # the column the models read (`_FILE_NAME as filename`).
                bq_client.query(
                    f"insert into {table} select *, '{uri}' as `_FILE_NAME` from `{scratch}`"
                ).result(timeout=300)
            bq_client.delete_table(scratch, not_found_ok=True)
        elif source.file_format == "json":
            if uris:
                config = bigquery.LoadJobConfig(
                    source_format=bigquery.SourceFormat.NEWLINE_DELIMITED_JSON,
                    schema=schema,
                    max_bad_records=0,
                    ignore_unknown_values=False,
                    write_disposition=bigquery.WriteDisposition.WRITE_APPEND,
                )
                job = bq_client.load_table_from_uri(
                    uris, f"{project}.{dataset}.{source.name}", job_config=config
                )
                job.result(timeout=300)
                result.rows = {"*": int(job.output_rows or 0)}
        else:
            raise ValueError(f"unsupported file_format {source.file_format}")
        result.seconds = time.monotonic() - started
        staged[source.name] = result
    return staged
