"""fct_trips on the BigQuery target, verified offline: the SQL `dbt run` would send, recorded
(tests/support/bigquery_recorder.py). What the emulator lane cannot show: the first build is
partitioned by pickup month and clustered by service type and pickup zone, and an
incremental build deletes and inserts exactly the batch's files, by literals, with an
insert-only MERGE."""

from __future__ import annotations

import pytest
from sqlglot import exp

from tests.conftest import PROJECT_ROOT
from tests.support.bigquery_recorder import QueryResult, parse_bigquery, run_recorded

ENV = {
    "LANDING_URI": "gs://taxi-landing/landing",
    "GCP_PROJECT_ID": "demo-project",
    "BQ_DATASET": "taxi",
}
FCT_TRIPS_COLUMNS = [
    ("unique_row_id", "STRING"),
    ("service_type", "STRING"),
    ("filename", "STRING"),
    ("file_merged_at", "TIMESTAMP"),
    ("pickup_month", "DATE"),
    ("pickup_location_id", "INT64"),
]
BATCH = QueryResult(
    columns=["reason", "service_type", "filename"],
    rows=[
        ("gone", "green", "green_tripdata_2020-10.csv"),
        ("refresh", "green", "green_tripdata_2021-02.csv"),
        ("refresh", "green", "green_tripdata_2021-03.csv"),
    ],
)


def answers(sql: str):
    return BATCH if "'refresh' as reason" in sql else None


def fct_trips_statements(recording, kind: str) -> list[str]:
    return [
        s.sql
        for s in recording.statements
        if s.statement_type == kind and (s.node_id or "").endswith(".fct_trips")
    ]


@pytest.fixture(scope="module")
def first_run():
    return run_recorded(
        ["run", "--select", "fct_trips"],
        PROJECT_ROOT,
        PROJECT_ROOT / "profiles.example.yml",
        env=ENV,
        query_answers=answers,
    )


@pytest.fixture(scope="module")
def incremental_run():
    return run_recorded(
        ["run", "--select", "fct_trips"],
        PROJECT_ROOT,
        PROJECT_ROOT / "profiles.example.yml",
        env=ENV,
        query_answers=answers,
        existing_relations={
            "fct_trips": "table",
            "int_trips_unioned": "view",
            "merge_log": "table",
            "dim_zones": "table",
        },
        columns={"fct_trips": FCT_TRIPS_COLUMNS},
    )


def test_first_build_is_partitioned_by_month_and_clustered(first_run):
    (create,) = fct_trips_statements(first_run, "CREATE_TABLE_AS_SELECT")
    (statement,) = parse_bigquery(create)
    assert isinstance(statement, exp.Create)
    flat = " ".join(create.lower().split())
    assert "partition by date_trunc(pickup_month, month)" in flat
    assert "cluster by service_type, pickup_location_id" in flat
    assert fct_trips_statements(first_run, "DELETE") == []  # nothing to delete at first


def test_incremental_build_deletes_and_inserts_the_batch_files_by_literals(incremental_run):
    (delete,) = fct_trips_statements(incremental_run, "DELETE")
    flat = " ".join(delete.split())
    assert flat.startswith("delete from `demo-project`.`taxi`.`fct_trips` where")
    assert (
        "(service_type = 'green' and filename in ('green_tripdata_2020-10.csv', "
        "'green_tripdata_2021-02.csv', 'green_tripdata_2021-03.csv'))" in flat
    )
    (merge,) = fct_trips_statements(incremental_run, "MERGE")
    (statement,) = parse_bigquery(merge)
    assert isinstance(statement, exp.Merge)
    flat = " ".join(merge.split())
    assert "on (FALSE)" in flat  # insert only: no destination scan
    # Only the files to (re)insert, not the one gone.
    assert (
        "(service_type = 'green' and filename in ('green_tripdata_2021-02.csv', "
        "'green_tripdata_2021-03.csv'))" in flat
    )
    assert "green_tripdata_2020-10.csv" not in flat
