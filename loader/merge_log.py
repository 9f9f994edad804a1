"""Read what dbt merged: the merge log and per-file row counts, from the target dbt builds.

DuckDB by default; BigQuery when DBT_TARGET=bigquery (project, dataset and location from the
same variables as the dbt profile; BIGQUERY_EMULATOR_HOST for an emulator).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from loader.config import Settings, is_bigquery_project
from loader.errors import LoaderError, UsageError
from loader.taxis import TAXI_TYPES


def drop_missing_command(taxi: str) -> str:
    """The deliberate rebuild of a merged table without the files no longer landed (after a
    purge). Without the var, dbt refuses any build of a table whose merged files are missing
    from the landing (macros/materializations/tlc_refuse_missing_files.sql)."""
    return (
        f'make build DBT_ARGS="--full-refresh --select {taxi}_tripdata '
        "--vars 'allow_missing_files: true'\""
    )


@dataclass(frozen=True)
class MergedFile:
    taxi: str
    filename: str
    file_crc32c: str
    rows_landed: int
    rows_read: int
    rows_merged: int
    duplicates_removed: int
    merged_at: str
    status: str  # merged | unreadable
    problem: str | None  # why an unreadable file could not be read
    rows_now: int  # rows of this file in the merged table right now


def merged_files_sql(table: str, existing: set[str], log_columns: Iterable[str]) -> str:
    """One query: the merge log, with each file's row count in the merged table today."""
    counts = [
        f"select '{taxi}' as taxi, filename, count(*) as rows_now "
        f"from {table.format(name=f'{taxi}_tripdata')} group by filename"
        for taxi in TAXI_TYPES
        if f"{taxi}_tripdata" in existing
    ]
    now = " union all ".join(counts) or "select '' as taxi, '' as filename, 0 as rows_now"
    present = {column.lower() for column in log_columns}
    status = "coalesce(log.status, 'merged')" if "status" in present else "'merged'"
    problem = "log.problem" if "problem" in present else "cast(null as string)"
    return (
        "select log.taxi, log.filename, log.file_crc32c, log.rows_landed, log.rows_read, "
        "log.rows_merged, log.duplicates_removed, cast(log.merged_at as string), "
        f"{status}, {problem}, coalesce(now.rows_now, 0) "
        f"from {table.format(name='merge_log')} as log "
        f"left join ({now}) as now on now.taxi = log.taxi and now.filename = log.filename"
    )


def read_merged_files(settings: Settings) -> dict[tuple[str, str], MergedFile]:
    """(taxi, filename) -> what the last merge of that file recorded, with today's count."""
    if settings.dbt_target == "bigquery":
        rows = _bigquery_rows(settings)
    else:
        rows = _duckdb_rows(settings.duckdb_path)
    merged = (MergedFile(*row) for row in rows)
    return {(entry.taxi, entry.filename): entry for entry in merged}


def connect_read_only(path: Path):
    """The DuckDB warehouse, read-only; a one-line error when another process holds it."""
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        raise LoaderError(
            f"cannot open the warehouse {path} ({str(error).splitlines()[0][:120]}); "
            "if dbt is running, try again when it has finished"
        ) from error


def _duckdb_rows(path: Path) -> list[tuple]:
    if not path.exists():
        return []
    con = connect_read_only(path)
    try:
        existing = {
            name
            for (name,) in con.execute(
                "select table_name from duckdb_tables() where schema_name = 'main'"
            ).fetchall()
        }
        if "merge_log" not in existing:
            return []
        columns = [
            name
            for (name,) in con.execute(
                "select column_name from duckdb_columns() "
                "where schema_name = 'main' and table_name = 'merge_log'"
            ).fetchall()
        ]
        return con.execute(merged_files_sql("main.{name}", existing, columns)).fetchall()
    finally:
        con.close()


def bigquery_client(settings: Settings):
    """A BigQuery client for the profile's project: an emulator (BIGQUERY_EMULATOR_HOST) gets
    anonymous credentials; otherwise the loader's credential order."""
    from google.cloud import bigquery

    target = settings.bigquery
    project = target.project
    if target.emulator_host:
        from google.api_core.client_options import ClientOptions
        from google.auth.credentials import AnonymousCredentials

        credentials = AnonymousCredentials()
        options = ClientOptions(api_endpoint=target.emulator_host)
    else:
        from loader.credentials import google_credentials

        credentials, default_project = google_credentials()
        project = project or default_project or ""
        options = None
    if not is_bigquery_project(project):  # the credentials' project goes into SQL too
        raise UsageError(
            f"no valid BigQuery project ({project[:40]!r}): set GCP_PROJECT_ID (or use "
            "credentials that name one)"
        )
    client = bigquery.Client(
        project=project,
        credentials=credentials,
        location=target.location,
        client_options=options,
    )
    return client, project, target.dataset


def _bigquery_rows(settings: Settings) -> list[tuple]:
    from google.api_core import exceptions as api_exceptions

    client, project, dataset = bigquery_client(settings)
    try:
        existing = {table.table_id for table in client.list_tables(f"{project}.{dataset}")}
        if "merge_log" not in existing:
            return []
        columns = [
            field.name for field in client.get_table(f"{project}.{dataset}.merge_log").schema
        ]
        sql = merged_files_sql(f"`{project}.{dataset}.{{name}}`", existing, columns)
        return [tuple(row.values()) for row in client.query(sql).result()]
    except api_exceptions.NotFound:
        return []
    except api_exceptions.GoogleAPIError as error:
        raise LoaderError(
            f"cannot read {project}.{dataset} on BigQuery ({type(error).__name__}); "
            "check BQ_DATASET and the credentials' BigQuery roles"
        ) from error


@dataclass(frozen=True)
class MergedByBuild:
    files: int
    rows: int
    duplicates: int
    unreadable: int

    def describe(self) -> str:
        if not self.files:
            return "no file merged (nothing new was landed)"
        text = (
            f"merged {self.files - self.unreadable} file(s), {self.rows:,} rows, "
            f"{self.duplicates:,} duplicates removed"
        )
        return text + (f", {self.unreadable} unreadable" if self.unreadable else "")


def merged_by(
    settings: Settings, invocation_id: str, taxi: str | None = None
) -> MergedByBuild | None:
    """What the dbt invocation recorded in merge_log (for one taxi type, if given), or None if
    it cannot be read."""
    if not re.fullmatch(r"[0-9a-f-]{36}", invocation_id):
        return None
    if taxi is not None and taxi not in TAXI_TYPES:
        raise UsageError(f"unknown taxi type {taxi!r}")
    of_taxi = f" and taxi = '{taxi}'" if taxi else ""
    totals = (
        "select count(*), coalesce(sum(rows_merged), 0), coalesce(sum(duplicates_removed), 0), "
        "count(*) filter (where status = 'unreadable') from {table} "
        f"where invocation_id = '{invocation_id}'{of_taxi}"
    )
    try:
        if settings.dbt_target == "bigquery":
            client, project, dataset = bigquery_client(settings)
            sql = totals.replace("count(*) filter (where status = 'unreadable')",
                                 "countif(status = 'unreadable')")  # fmt: skip
            rows = [
                tuple(row.values())
                for row in client.query(sql.format(table=f"`{project}.{dataset}.merge_log`"))
            ]
        else:
            import duckdb

            if not settings.duckdb_path.exists():
                return None
            with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
                rows = con.execute(totals.format(table="main.merge_log")).fetchall()
    except Exception:  # a summary line is not worth failing a build that succeeded
        return None
    return MergedByBuild(*(int(value) for value in rows[0])) if rows else None


def query_warehouse(settings: Settings, sql: str, *, limit: int = 20) -> list[dict] | None:
    """Rows of a select dbt compiled (a test's), read-only; None if it cannot be run."""
    if not sql.lstrip().lower().startswith(("with", "select")):
        return None
    wrapped = f"select * from ({sql}) as failures limit {int(limit)}"
    try:
        if settings.dbt_target == "bigquery":
            client, _, _ = bigquery_client(settings)
            return [dict(row.items()) for row in client.query(wrapped).result()]
        import duckdb

        with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
            cursor = con.execute(wrapped)
            names = [column[0] for column in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    except Exception:  # the explanation of a failure must not hide the failure
        return None
