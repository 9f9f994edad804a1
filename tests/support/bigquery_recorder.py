"""Run dbt in-process against the `bigquery` target and record the SQL it would send.

Nothing reaches Google: the BigQuery client dbt-bigquery creates for each connection is
replaced by an in-memory fake that records every query job, answers `select`s from a
callback, and serves table/dataset metadata from fixtures. dbt's own materializations,
dbt-bigquery's adapter methods (relation cache, columns, drop, is_incremental...) and the
project's macros all run for real; only the client underneath them is fake.

    from tests.support.bigquery_recorder import parse_bigquery, record_dbt

    # first build: nothing exists yet -> on-run-start DDL, then CREATE OR REPLACE TABLE ... AS
    sqls = record_dbt(["run", "-s", "green_tripdata"], ROOT, ROOT / "profiles.example.yml")

    # incremental build: the table exists -> temp table + MERGE into it
    sqls = record_dbt(
        ["run", "-s", "green_tripdata"],
        ROOT,
        ROOT / "profiles.example.yml",
        existing_relations={"green_tripdata": "table", "stg_tlc__green_trips": "view"},
        query_answers=lambda sql: LANDED_ROWS if "landed_files" in sql else None,
        columns={"green_tripdata": [("unique_row_id", "STRING"), ("filename", "STRING")]},
    )
    merge = next(s for s in sqls if "merge into" in s.lower())  # starts with a -- comment
    parse_bigquery(merge)  # -> [sqlglot.exp.Merge]

`run_recorded` takes the same arguments and returns a `Recording` (statement types, node ids,
non-SQL client calls, the dbtRunnerResult, timing, network attempts, warnings).

What is patched (unittest.mock, undone on exit; see `_patches`):

* `create_bigquery_client` where dbt-bigquery looks it up (clients, connections, retry): every
  connection `open()` -- and the retry's "reopen after ConnectionError" path -- gets a
  `FakeBigQueryClient`. That single seam covers query jobs (`execute`, `raw_execute`,
  `dry_run`, result polling), `get_table` (columns, get_relation, CTAS/SELECT row counts),
  `list_tables`/`list_routines` (the relation cache), `list_datasets`/`create_dataset`,
  `delete_table` (drop_relation of the `__dbt_tmp` table), `update_table`, `copy_table`.
* `google.auth.default` (and the copy dbt-bigquery imported) -> anonymous credentials, counted.
* `socket.socket.connect`/`connect_ex` and `socket.getaddrinfo` -> raise `NetworkBlockedError`
  for anything but loopback/unix sockets, counted (set `block_network=False` to skip).
* environment (`patch.dict(os.environ)`): GOOGLE_APPLICATION_CREDENTIALS points nowhere,
  DBT_TARGET = target, DO_NOT_TRACK=1, plus `env`.

Relation names in `existing_relations`/`columns` are `table`, `dataset.table` or
`project.dataset.table` (case-insensitive); a bare `table` lives in the profile's
project/dataset. A dataset "exists" when a relation in it exists, when it is listed in
`existing_schemas`, or once a `create schema` ran. Tables created by recorded DDL
(`create [or replace] table|view x`) exist for the rest of that invocation; `drop`
statements and `delete_table` remove them. Columns of `x__dbt_tmp...` fall back to `x`'s.
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import re
import shutil
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import sqlglot
from google.api_core.exceptions import NotFound
from google.auth.credentials import AnonymousCredentials
from google.cloud.bigquery import (
    Dataset,
    DatasetReference,
    SchemaField,
    Table,
    TableReference,
)
from google.cloud.bigquery.table import Row
from sqlglot.tokens import TokenType

__all__ = [
    "FakeBigQueryClient",
    "NetworkBlockedError",
    "QueryResult",
    "RecordedStatement",
    "RecorderError",
    "Recording",
    "normalize_sql",
    "parse_bigquery",
    "record_dbt",
    "run_recorded",
]

ColumnSpec = tuple[str, str] | tuple[str, str, str] | SchemaField
"""(name, BigQuery type[, mode]) or a SchemaField; nested STRUCTs need a SchemaField."""


@dataclass(frozen=True)
class QueryResult:
    """An answer with explicit column names (plain tuples get names from the select list)."""

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]]


QueryAnswer = Sequence[Sequence[Any]] | Sequence[Mapping[str, Any]] | QueryResult | None
QueryAnswers = Callable[[str], QueryAnswer]


@dataclass(frozen=True)
class RecordedStatement:
    sql: str  # as sent, minus dbt's leading /* {"app": "dbt", ...} */ query comment
    statement_type: str  # what BigQuery would report: SELECT, MERGE, SCRIPT, CREATE_TABLE...
    node_id: str | None  # e.g. model.taxi_elt.green_tripdata, operation...on-run-start-0
    dry_run: bool = False


@dataclass
class Recording:
    statements: list[RecordedStatement]
    api_calls: list[str]  # non-SQL client calls: "delete_table p.d.t", "create_dataset p.d"
    result: Any  # dbtRunnerResult
    elapsed_s: float
    network_attempts: list[str]
    google_auth_default_calls: int
    warnings: list[str]  # e.g. a table fetched whose columns the test did not give

    @property
    def sql(self) -> list[str]:
        return [s.sql for s in self.statements if not s.dry_run]

    def for_node(self, node_id_suffix: str) -> list[str]:
        return [s.sql for s in self.statements if (s.node_id or "").endswith(node_id_suffix)]


class RecorderError(AssertionError):
    """dbt failed under the recorder, or the fake client met an unsupported call."""


class NetworkBlockedError(RuntimeError):
    """A socket tried to leave the machine. Not an OSError, so no client library retries it."""


def normalize_sql(sql: str) -> str:
    """Stable text for comparisons: no `__dbt_tmp<timestamp>` suffix, no trailing blanks,
    no blank lines (dbt's Jinja leaves plenty)."""
    sql = re.sub(r"__dbt_tmp\d+", "__dbt_tmp", sql)
    return "\n".join(line.rstrip() for line in sql.splitlines() if line.strip())


def parse_bigquery(sql: str) -> list[sqlglot.Expression]:
    """`sqlglot.parse(sql, read="bigquery")` without the empty trailing statements.

    dbt-bigquery sends some steps as one script (`declare ...; create temp table ...;
    merge ...`), so one recorded statement can hold several SQL statements.
    """
    return [e for e in sqlglot.parse(sql, read="bigquery") if e is not None]


# --------------------------------------------------------------------------------------------
# the fake client


_QUERY_COMMENT = re.compile(r'\A/\* \{"app": "dbt".*?\} \*/\n', re.DOTALL)
_QUERY_COMMENT_APPENDED = re.compile(r'\n/\* \{"app": "dbt".*?\} \*/(;?)\Z', re.DOTALL)
_TMP_SUFFIX = re.compile(r"^(?P<base>.+?)__dbt_tmp.*$", re.IGNORECASE)
_ANON_DATASET = "_recorder_anonymous"
_TEST_WRAPPER = re.compile(r"\bas\s+failures\b.*\bas\s+should_warn\b", re.IGNORECASE | re.DOTALL)

Key = tuple[str, str, str]  # (project, dataset, table), lowercased


def _strip_query_comment(sql: str) -> str:
    return _QUERY_COMMENT_APPENDED.sub(r"\1", _QUERY_COMMENT.sub("", sql, count=1), count=1)


def _ref_parts(ref: Any) -> list[str]:
    if isinstance(ref, (TableReference, Table)):
        return [ref.project, ref.dataset_id, ref.table_id]
    if isinstance(ref, (DatasetReference, Dataset)):
        return [ref.project, ref.dataset_id]
    return [p for p in str(ref).replace("`", "").replace(":", ".").split(".") if p]


def _bq_type(value: Any) -> str:
    if isinstance(value, bool):
        return "BOOL"
    if isinstance(value, int):
        return "INT64"
    if isinstance(value, float):
        return "FLOAT64"
    if isinstance(value, decimal.Decimal):
        return "NUMERIC"
    if isinstance(value, dt.datetime):
        return "TIMESTAMP" if value.tzinfo else "DATETIME"
    if isinstance(value, dt.date):
        return "DATE"
    if isinstance(value, bytes):
        return "BYTES"
    return "STRING"


def _schema(specs: Iterable[ColumnSpec]) -> list[SchemaField]:
    fields = []
    for spec in specs:
        if isinstance(spec, SchemaField):
            fields.append(spec)
        else:
            name, type_, *mode = spec
            fields.append(SchemaField(name, type_.upper(), mode=mode[0] if mode else "NULLABLE"))
    return fields


def _select_names(sql: str) -> list[str]:
    try:
        return list(sqlglot.parse_one(sql, read="bigquery").named_selects)
    except Exception:
        return []


def _tokens(sql: str) -> list[Any]:
    try:
        return sqlglot.tokenize(sql, read="bigquery")
    except Exception:
        return []


def _split_tokens(tokens: list[Any]) -> list[list[Any]]:
    statements, current = [], []
    for tok in tokens:
        if tok.token_type == TokenType.SEMICOLON:
            if current:
                statements.append(current)
            current = []
        else:
            current.append(tok)
    if current:
        statements.append(current)
    return statements


def _object_after(words: list[str], toks: list[Any], kinds: tuple[str, ...]) -> tuple[str, str]:
    """For `create or replace temp table if not exists a.b.c ...` -> ("TABLE", "a.b.c")."""
    for i, w in enumerate(words):
        if w in kinds:
            j = i + 1
            while j < len(words) and words[j] in ("IF", "NOT", "EXISTS"):
                j += 1
            parts = []
            while j < len(toks) and toks[j].token_type in (TokenType.VAR, TokenType.IDENTIFIER):
                parts.append(toks[j].text.strip("`"))
                if j + 1 < len(toks) and toks[j + 1].token_type == TokenType.DOT:
                    j += 2
                else:
                    break
            return w, ".".join(parts)
        if w in ("AS", "(", "SELECT"):
            break
    return "", ""


def _classify(toks: list[Any]) -> tuple[str, str, str]:
    """(statement_type, object kind, object name) for one tokenized statement."""
    words = [t.text.upper() for t in toks]
    first = words[0] if words else ""
    if first in ("SELECT", "WITH", "("):
        return "SELECT", "", ""
    if first in ("INSERT", "MERGE", "DELETE", "UPDATE", "TRUNCATE"):
        return first if first != "TRUNCATE" else "TRUNCATE_TABLE", "", ""
    if first in ("DECLARE", "BEGIN", "SET", "IF", "LOOP", "CALL", "EXECUTE"):
        return "SCRIPT", "", ""
    if first in ("CREATE", "DROP", "ALTER"):
        kind, name = _object_after(
            words[:12], toks[:12], ("TABLE", "VIEW", "SCHEMA", "FUNCTION", "PROCEDURE")
        )
        if not kind:
            return first, "", ""
        prefix = f"{first}_"
        if first == "CREATE" and kind == "TABLE" and "EXTERNAL" in words[:6]:
            return "CREATE_EXTERNAL_TABLE", kind, name
        if first == "CREATE" and kind == "TABLE" and "AS" in words and "SELECT" in words:
            return "CREATE_TABLE_AS_SELECT", kind, name
        if "MATERIALIZED" in words[:6]:
            prefix += "MATERIALIZED_"
        return prefix + kind, kind, name
    return first or "UNKNOWN", "", ""


class _Catalog:
    """Tables and datasets as the fake BigQuery sees them, shared by every connection."""

    def __init__(
        self,
        existing: Iterable[str] | Mapping[str, str | Table],
        columns: Mapping[str, Sequence[ColumnSpec]] | None,
        schemas: Iterable[str] | None,
    ) -> None:
        self.lock = threading.RLock()
        self._raw = (
            existing if isinstance(existing, Mapping) else {name: "table" for name in existing},
            dict(columns or {}),
            list(schemas or ()),
        )
        self.project = self.dataset = ""
        self.tables: dict[Key, str | Table] = {}
        self.columns: dict[Key, list[ColumnSpec]] = {}
        self.datasets: set[tuple[str, str]] = set()
        self.warnings: list[str] = []

    def bind(self, project: str, dataset: str) -> None:
        """Resolve bare names against the profile's project/dataset (first connection)."""
        with self.lock:
            if self.project:
                return
            self.project, self.dataset = project, dataset
            existing, columns, schemas = self._raw
            self.tables = {self.key(name): kind for name, kind in existing.items()}
            self.columns = {self.key(name): list(cols) for name, cols in columns.items()}
            self.datasets = {k[:2] for k in self.tables}
            self.datasets |= {self.dataset_key(name) for name in schemas}

    def key(self, ref: Any) -> Key:
        parts = _ref_parts(ref)
        if not 1 <= len(parts) <= 3:
            raise RecorderError(f"not a table name: {ref!r}")
        parts = [self.project, self.dataset][: 3 - len(parts)] + parts
        return tuple(p.lower() for p in parts)  # type: ignore[return-value]

    def dataset_key(self, ref: Any) -> tuple[str, str]:
        parts = _ref_parts(ref)
        return ((parts[0] if len(parts) >= 2 else self.project).lower(), parts[-1].lower())

    def schema_for(self, key: Key) -> list[SchemaField]:
        if key in self.columns:
            return _schema(self.columns[key])
        tmp = _TMP_SUFFIX.match(key[2])
        if tmp:
            base = (key[0], key[1], tmp.group("base"))
            existing = self.tables.get(base)
            if isinstance(existing, Table):
                return list(existing.schema)
            return self.schema_for(base)
        return []

    def table(self, ref: Any) -> Table:
        key = self.key(ref)
        with self.lock:
            if key not in self.tables:
                raise NotFound(f"Not found: Table {key[0]}:{key[1]}.{key[2]} (recorder)")
            kind = self.tables[key]
            if isinstance(kind, Table):
                return kind
            parts = _ref_parts(ref)  # keep the caller's spelling
            parts = [self.project, self.dataset][: 3 - len(parts)] + parts
            table = Table(TableReference(DatasetReference(parts[0], parts[1]), parts[2]))
            table.schema = self.schema_for(key)
            table._properties["type"] = kind.upper()
            table._properties["numRows"] = "0"
            return table

    def tables_in(self, dataset: Any) -> list[Table]:
        dkey = self.dataset_key(dataset)
        with self.lock:
            if dkey not in self.datasets:
                raise NotFound(f"Not found: Dataset {dkey[0]}:{dkey[1]} (recorder)")
            keys = sorted(k for k in self.tables if k[:2] == dkey)
        return [self.table(".".join(k)) for k in keys]

    def apply_ddl(self, statement_type: str, kind: str, name: str) -> None:
        """Keep the catalog in step with DDL the run sends (only qualified names count)."""
        if not name or "." not in name:
            return  # temp tables of a script, or unparsable
        with self.lock:
            if kind == "SCHEMA":
                if statement_type.startswith("CREATE"):
                    self.datasets.add(self.dataset_key(name))
                elif statement_type.startswith("DROP"):
                    self.datasets.discard(self.dataset_key(name))
            elif kind in ("TABLE", "VIEW"):
                key = self.key(name)
                if statement_type.startswith("CREATE"):
                    existing = self.tables.get(key)
                    if not isinstance(existing, Table):
                        self.tables[key] = (
                            "view"
                            if kind == "VIEW"
                            else "external"
                            if "EXTERNAL" in statement_type
                            else "table"
                        )
                    self.datasets.add(key[:2])
                elif statement_type.startswith("DROP"):
                    self.tables.pop(key, None)


class _RowIterator:
    def __init__(self, schema: list[SchemaField], rows: list[Row]) -> None:
        self.schema = schema
        self._rows = rows
        self.total_rows = len(rows)

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)


class _QueryJob:
    def __init__(self, project: str, location: str | None, statement_type: str, rows: int):
        self.job_id = f"recorder-{uuid.uuid4()}"
        self.project = project
        self.location = location
        self.statement_type = statement_type
        self.destination = TableReference(DatasetReference(project, _ANON_DATASET), self.job_id)
        self.num_dml_affected_rows = 0 if statement_type in ("INSERT", "DELETE", "MERGE") else None
        self.total_bytes_processed = 0
        self.total_bytes_billed = 0
        self.slot_millis = 0
        self.state = "DONE"
        self.error_result = None
        self.errors = None
        self.num_rows = rows
        self.iterator: _RowIterator | None = None

    def result(self, max_results: int | None = None, **_: Any) -> _RowIterator:
        assert self.iterator is not None
        if max_results is not None:
            return _RowIterator(self.iterator.schema, list(self.iterator)[:max_results])
        return self.iterator

    def done(self, *_: Any, **__: Any) -> bool:
        return True

    def cancel(self, *_: Any, **__: Any) -> bool:
        return True


class FakeBigQueryClient:
    """The subset of `google.cloud.bigquery.Client` dbt-bigquery calls during run/build."""

    def __init__(self, recorder: _Recorder, project: str, location: str | None) -> None:
        self._recorder = recorder
        self._catalog = recorder.catalog
        self.project = project
        self.location = location

    # -- query jobs ------------------------------------------------------------------------
    def query(self, query: str, job_config: Any = None, job_id: str | None = None, **_: Any):
        dry_run = bool(getattr(job_config, "dry_run", False))
        sql = _strip_query_comment(query) if self._recorder.strip_query_comment else query
        statements = _split_tokens(_tokens(sql))
        kinds = [_classify(toks) for toks in statements] or [("UNKNOWN", "", "")]
        statement_type = "SCRIPT" if len(kinds) > 1 else kinds[0][0]
        self._recorder.record(sql, statement_type, dry_run)
        if not dry_run:
            for kind in kinds:
                self._catalog.apply_ddl(*kind)

        answer = self._recorder.answer(sql) if statement_type in ("SELECT", "SCRIPT") else None
        schema, rows = self._result_rows(sql, answer)
        job = _QueryJob(self.project, self.location, statement_type, len(rows))
        if job_id:
            job.job_id = job_id
            job.destination = TableReference(DatasetReference(self.project, _ANON_DATASET), job_id)
        job.iterator = _RowIterator(schema, rows)
        with self._catalog.lock:
            self._recorder.jobs[job.job_id] = job
        return job

    @staticmethod
    def _result_rows(sql: str, answer: QueryAnswer) -> tuple[list[SchemaField], list[Row]]:
        if not answer:
            return [], []
        if isinstance(answer, QueryResult):
            names, values = list(answer.columns), [tuple(r) for r in answer.rows]
        elif isinstance(answer[0], Mapping):
            names = list(answer[0].keys())  # type: ignore[union-attr]
            values = [tuple(r[n] for n in names) for r in answer]  # type: ignore[index]
        else:
            values = [tuple(r) for r in answer]  # type: ignore[arg-type]
            width = len(values[0])
            names = _select_names(sql)
            if len(names) != width or len(set(names)) != width:
                names = [f"f{i}_" for i in range(width)]
        types = []
        for i, _ in enumerate(names):
            sample = next((r[i] for r in values if r[i] is not None), None)
            types.append(_bq_type(sample))
        schema = [SchemaField(n, t) for n, t in zip(names, types, strict=True)]
        index = {n: i for i, n in enumerate(names)}
        return schema, [Row(r, index) for r in values]

    def get_job(self, job_id: str, *_: Any, **__: Any) -> _QueryJob:
        return self._recorder.jobs[job_id]

    def cancel_job(self, job_id: str, *_: Any, **__: Any) -> _QueryJob | None:
        return self._recorder.jobs.get(job_id)

    # -- tables ----------------------------------------------------------------------------
    def get_table(self, table: Any, *_: Any, **__: Any) -> Table:
        parts = _ref_parts(table)
        if len(parts) == 3 and parts[1] == _ANON_DATASET:
            job = self._recorder.jobs[parts[2]]
            anon = Table(TableReference(DatasetReference(parts[0], parts[1]), parts[2]))
            anon.schema = job.iterator.schema if job.iterator else []
            anon._properties["numRows"] = str(job.num_rows)
            return anon
        found = self._catalog.table(table)
        if not found.schema and found.table_type == "TABLE":
            warning = f"no columns given for {table}: get_table returned an empty schema"
            with self._catalog.lock:
                if warning not in self._catalog.warnings:
                    self._catalog.warnings.append(warning)
        return found

    def list_tables(self, dataset: Any, *_: Any, **__: Any) -> Iterator[Table]:
        # like the real client, a missing dataset raises NotFound while iterating
        yield from self._catalog.tables_in(dataset)

    def list_routines(self, dataset: Any, *_: Any, **__: Any) -> Iterator[Any]:
        self._catalog.tables_in(dataset)  # NotFound for a missing dataset
        yield from ()

    def get_routine(self, routine: Any, *_: Any, **__: Any) -> Any:
        raise NotFound(f"Not found: Routine {routine} (recorder)")

    def delete_table(self, table: Any, *_: Any, not_found_ok: bool = False, **__: Any) -> None:
        key = self._catalog.key(table)
        self._recorder.api(f"delete_table {'.'.join(key)}")
        with self._catalog.lock:
            if key not in self._catalog.tables and not not_found_ok:
                raise NotFound(f"Not found: Table {'.'.join(key)} (recorder)")
            self._catalog.tables.pop(key, None)

    def update_table(self, table: Table, fields: Sequence[str], *_: Any, **__: Any) -> Table:
        self._recorder.api(
            f"update_table {table.project}.{table.dataset_id}.{table.table_id} {','.join(fields)}"
        )
        return table

    def copy_table(self, sources: Any, destination: Any, *_: Any, **__: Any) -> _QueryJob:
        self._recorder.api(f"copy_table {sources} -> {destination}")
        job = _QueryJob(self.project, self.location, "COPY", 0)
        job.iterator = _RowIterator([], [])
        return job

    # -- datasets --------------------------------------------------------------------------
    def list_datasets(self, project: str | None = None, *_: Any, **__: Any) -> list[Any]:
        wanted = (project or self.project).lower()
        with self._catalog.lock:
            names = sorted(d for p, d in self._catalog.datasets if p == wanted)
        return [Dataset(DatasetReference(project or self.project, d)) for d in names]

    def get_dataset(self, dataset: Any, *_: Any, **__: Any) -> Dataset:
        dkey = self._catalog.dataset_key(dataset)
        if dkey not in self._catalog.datasets:
            raise NotFound(f"Not found: Dataset {dkey[0]}:{dkey[1]} (recorder)")
        return Dataset(DatasetReference(*_ref_parts(dataset)[-2:]))

    def create_dataset(self, dataset: Any, *_: Any, **__: Any) -> Dataset:
        self._recorder.api(f"create_dataset {'.'.join(self._catalog.dataset_key(dataset))}")
        with self._catalog.lock:
            self._catalog.datasets.add(self._catalog.dataset_key(dataset))
        return Dataset(DatasetReference(*_ref_parts(dataset)[-2:]))

    def delete_dataset(self, dataset: Any, *_: Any, **__: Any) -> None:
        dkey = self._catalog.dataset_key(dataset)
        self._recorder.api(f"delete_dataset {'.'.join(dkey)}")
        with self._catalog.lock:
            self._catalog.datasets.discard(dkey)
            for key in [k for k in self._catalog.tables if k[:2] == dkey]:
                del self._catalog.tables[key]

    def close(self) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        raise RecorderError(f"the recorder's fake BigQuery client has no {name}()")


# --------------------------------------------------------------------------------------------
# patching and running


class _Recorder:
    def __init__(
        self,
        catalog: _Catalog,
        query_answers: QueryAnswers | None,
        strip_query_comment: bool,
    ) -> None:
        self.catalog = catalog
        self.query_answers = query_answers
        self.strip_query_comment = strip_query_comment
        self.statements: list[RecordedStatement] = []
        self.api_calls: list[str] = []
        self.jobs: dict[str, _QueryJob] = {}
        self.network_attempts: list[str] = []
        self.auth_default_calls = 0

    def record(self, sql: str, statement_type: str, dry_run: bool) -> None:
        from dbt_common.events.contextvars import get_node_info

        node_id = get_node_info().get("unique_id")
        with self.catalog.lock:
            self.statements.append(RecordedStatement(sql, statement_type, node_id, dry_run))

    def api(self, call: str) -> None:
        with self.catalog.lock:
            self.api_calls.append(call)

    def answer(self, sql: str) -> QueryAnswer:
        answer = self.query_answers(sql) if self.query_answers else None
        if answer is None and _TEST_WRAPPER.search(sql):
            # a data test: "0 failures" unless the callback says otherwise
            return QueryResult(["failures", "should_warn", "should_error"], [(0, False, False)])
        return answer

    def client_factory(self) -> Callable[[Any], FakeBigQueryClient]:
        def create_bigquery_client(credentials: Any) -> FakeBigQueryClient:
            self.catalog.bind(credentials.database, credentials.schema)
            project = credentials.execution_project or credentials.database
            return FakeBigQueryClient(self, project, getattr(credentials, "location", None))

        return create_bigquery_client

    def fake_auth_default(self, *_: Any, **__: Any) -> tuple[AnonymousCredentials, None]:
        self.auth_default_calls += 1
        return AnonymousCredentials(), None

    def network_guards(self) -> list[Any]:
        real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
        real_getaddrinfo = socket.getaddrinfo
        attempts = self.network_attempts

        def local(host: Any) -> bool:
            return (
                not isinstance(host, str)
                or host in ("localhost", "::1")
                or (host.startswith("127."))
            )

        def check(sock: socket.socket, address: Any) -> None:
            host = address[0] if isinstance(address, tuple) else address
            if sock.family != getattr(socket, "AF_UNIX", None) and not local(host):
                attempts.append(f"connect {address!r}")
                raise NetworkBlockedError(f"bigquery_recorder: blocked connect to {address!r}")

        def connect(sock: socket.socket, address: Any) -> None:
            check(sock, address)
            return real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> int:
            check(sock, address)
            return real_connect_ex(sock, address)

        def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
            if not local(host):
                attempts.append(f"getaddrinfo {host!r}")
                raise NetworkBlockedError(f"bigquery_recorder: blocked DNS lookup of {host!r}")
            return real_getaddrinfo(host, *args, **kwargs)

        return [
            mock.patch.object(socket.socket, "connect", connect),
            mock.patch.object(socket.socket, "connect_ex", connect_ex),
            mock.patch.object(socket, "getaddrinfo", getaddrinfo),
        ]


def _patches(recorder: _Recorder, block_network: bool) -> list[Any]:
    # imported here: importing dbt.adapters.bigquery takes a while
    import dbt.adapters.bigquery.clients as bq_clients
    import dbt.adapters.bigquery.connections as bq_connections
    import dbt.adapters.bigquery.credentials as bq_credentials
    import dbt.adapters.bigquery.retry as bq_retry

    factory = recorder.client_factory()
    patches = [
        mock.patch.object(bq_clients, "create_bigquery_client", factory),
        mock.patch.object(bq_connections, "create_bigquery_client", factory),
        mock.patch.object(bq_retry, "create_bigquery_client", factory),
        mock.patch("google.auth.default", recorder.fake_auth_default),
        mock.patch.object(bq_credentials, "default", recorder.fake_auth_default),
    ]
    if block_network:
        patches += recorder.network_guards()
    return [*patches, _fresh_auth_cache(bq_credentials._create_bigquery_defaults)]


@contextmanager
def _fresh_auth_cache(cached_defaults: Any) -> Iterator[None]:
    """dbt-bigquery lru_caches google.auth.default(): keep our anonymous result out of it."""
    cached_defaults.cache_clear()
    try:
        yield
    finally:
        cached_defaults.cache_clear()


def _has_flag(args: Sequence[str], flag: str) -> bool:
    return any(a == flag or a.startswith(flag + "=") for a in args)


def run_recorded(
    args: Sequence[str],
    project_dir: str | os.PathLike[str],
    profiles_dir: str | os.PathLike[str],
    existing_relations: Iterable[str] | Mapping[str, str | Table] = (),
    query_answers: QueryAnswers | None = None,
    columns: Mapping[str, Sequence[ColumnSpec]] | None = None,
    *,
    existing_schemas: Iterable[str] | None = None,
    target: str = "bigquery",
    env: Mapping[str, str] | None = None,
    work_dir: str | os.PathLike[str] | None = None,
    block_network: bool = True,
    strip_query_comment: bool = True,
    check: bool = True,
) -> Recording:
    """Invoke dbt (`args`, e.g. ["run", "-s", "my_model"]) with BigQuery faked; see module doc.

    `existing_relations`: names, or {name: "table"|"view"|"external"|google Table}.
    `query_answers(sql)`: rows for a select/script (tuples, dicts or a QueryResult), or None
    for an empty result. Data tests get "0 failures" unless answered.
    `columns`: {relation: [(name, type), ...]} for get_columns_in_relation (the merge's
    dest_columns and on_schema_change checks).
    `profiles_dir`: a folder with profiles.yml, or a profiles file (e.g. profiles.example.yml).
    `work_dir`: keep target/ and logs/ there (default: a temporary folder, removed).
    Added to `args` unless given: --project-dir, --profiles-dir, --target, --target-path,
    --log-path, --threads 1 (deterministic order), --no-partial-parse.
    """
    from dbt.cli.main import dbtRunner

    start = time.perf_counter()
    project_dir = Path(project_dir).resolve()
    profiles = Path(profiles_dir).resolve()
    with ExitStack() as stack:
        scratch = (
            Path(work_dir)
            if work_dir
            else Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bq-recorder-")))
        )
        scratch.mkdir(parents=True, exist_ok=True)
        if profiles.is_file():
            (scratch / "profiles").mkdir(exist_ok=True)
            shutil.copyfile(profiles, scratch / "profiles" / "profiles.yml")
            profiles = scratch / "profiles"

        stack.enter_context(
            mock.patch.dict(
                os.environ,
                {
                    "GOOGLE_APPLICATION_CREDENTIALS": str(scratch / "no-such-credentials.json"),
                    "DBT_TARGET": target,
                    "DO_NOT_TRACK": "1",
                    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
                    **(env or {}),
                },
            )
        )
        catalog = _Catalog(existing_relations, columns, existing_schemas)
        recorder = _Recorder(catalog, query_answers, strip_query_comment)
        for patch in _patches(recorder, block_network):
            stack.enter_context(patch)

        full_args = list(args)
        for flag, value in (
            ("--project-dir", str(project_dir)),
            ("--profiles-dir", str(profiles)),
            ("--target", target),
            ("--target-path", str(scratch / "target")),
            ("--log-path", str(scratch / "logs")),
            ("--threads", "1"),
        ):
            if not _has_flag(full_args, flag) and not (flag == "--target" and "-t" in full_args):
                full_args += [flag, value]
        if not _has_flag(full_args, "--partial-parse"):
            full_args.append("--no-partial-parse")

        result = dbtRunner().invoke(full_args)

    recording = Recording(
        statements=recorder.statements,
        api_calls=recorder.api_calls,
        result=result,
        elapsed_s=time.perf_counter() - start,
        network_attempts=recorder.network_attempts,
        google_auth_default_calls=recorder.auth_default_calls,
        warnings=catalog.warnings,
    )
    if check and not result.success:
        raise RecorderError(_failure_message(result, recording))
    return recording


def _failure_message(result: Any, recording: Recording) -> str:
    lines = [f"dbt failed under the BigQuery recorder: {result.exception!r}"]
    for node in getattr(result.result, "results", None) or []:
        if str(getattr(node, "status", "")) not in ("success", "pass"):
            lines.append(f"  {node.node.unique_id}: {node.status}: {node.message}")
    lines += [f"  warning: {w}" for w in recording.warnings]
    if recording.statements:
        lines.append(f"last statement sent:\n{recording.statements[-1].sql}")
    return "\n".join(lines)


def record_dbt(
    args: Sequence[str],
    project_dir: str | os.PathLike[str],
    profiles_dir: str | os.PathLike[str],
    existing_relations: Iterable[str] | Mapping[str, str | Table] = (),
    query_answers: QueryAnswers | None = None,
    columns: Mapping[str, Sequence[ColumnSpec]] | None = None,
    **options: Any,
) -> list[str]:
    """The SQL statements dbt sent, in order (dry runs excluded). See `run_recorded`."""
    return run_recorded(
        args, project_dir, profiles_dir, existing_relations, query_answers, columns, **options
    ).sql
