"""status reads the merge log from the target dbt builds: DuckDB, or BigQuery when selected."""

from __future__ import annotations

from types import SimpleNamespace
from typing import ClassVar

import pytest
import sqlglot
from google.auth.credentials import AnonymousCredentials

from loader import merge_log
from loader.config import load_settings
from loader.errors import UsageError

ROW = (
    "green", "green_tripdata_2021-01.csv", "5cuUIQ==", 76518, 76518, 76500, 18, "t", "merged",
    None, 76500,
)  # fmt: skip


class FakeBigQuery:
    queries: ClassVar[list[str]] = []

    def __init__(self, project, credentials, location, client_options=None):
        self.project, self.location = project, location

    def list_tables(self, dataset):
        assert dataset == "demo-project.taxi"
        return [SimpleNamespace(table_id=name) for name in ("merge_log", "green_tripdata")]

    def get_table(self, name):
        assert name == "demo-project.taxi.merge_log"
        return SimpleNamespace(schema=[SimpleNamespace(name=n) for n in ("taxi", "status")])

    def query(self, sql):
        FakeBigQuery.queries.append(sql)
        return SimpleNamespace(result=lambda: [SimpleNamespace(values=lambda: ROW)])


def test_bigquery_target_reads_the_log_and_todays_counts(monkeypatch):
    monkeypatch.setenv("DBT_TARGET", "bigquery")
    monkeypatch.setenv("GCP_PROJECT_ID", "demo-project")
    monkeypatch.setenv("BQ_DATASET", "taxi")
    monkeypatch.setattr(
        "loader.credentials.google_credentials", lambda: (AnonymousCredentials(), "x")
    )
    monkeypatch.setattr("google.cloud.bigquery.Client", FakeBigQuery)
    merged = merge_log.read_merged_files(
        load_settings(
            {"DBT_TARGET": "bigquery", "GCP_PROJECT_ID": "demo-project", "BQ_DATASET": "taxi"}
        )
    )
    entry = merged[("green", "green_tripdata_2021-01.csv")]
    assert (entry.rows_read, entry.rows_merged, entry.duplicates_removed, entry.rows_now) == (
        76518,
        76500,
        18,
        76500,
    )
    (sql,) = FakeBigQuery.queries
    parsed = sqlglot.parse_one(sql, read="bigquery")
    tables = {(table.catalog, table.db, table.name) for table in parsed.find_all(sqlglot.exp.Table)}
    assert tables == {
        ("demo-project", "taxi", "merge_log"),
        ("demo-project", "taxi", "green_tripdata"),
    }


def test_duckdb_without_a_warehouse_yet(tmp_path):
    settings = load_settings({"DUCKDB_PATH": str(tmp_path / "none.duckdb")})
    assert merge_log.read_merged_files(settings) == {}


def test_the_credentials_project_is_checked_before_it_reaches_sql(monkeypatch):
    monkeypatch.setattr(
        "loader.credentials.google_credentials",
        lambda: (AnonymousCredentials(), "proj`.x; drop"),
    )
    monkeypatch.setattr("google.cloud.bigquery.Client", FakeBigQuery)
    settings = load_settings({"DBT_TARGET": "bigquery", "BQ_DATASET": "taxi"})
    with pytest.raises(UsageError, match=r"^no valid BigQuery project \('proj`\.x; drop'\)"):
        merge_log.read_merged_files(settings)
