"""The BigQuery target, verified offline: the exact SQL `dbt run` would send, recorded.

dbt runs in-process with the BigQuery client replaced by a recorder (tests/support/
bigquery_recorder.py): nothing reaches Google. Each statement is parsed with sqlglot's
BigQuery dialect and checked for what matters: the external tables' schema and options, the
partitioned and clustered first build, literal partition bounds on the destination of the
incremental MERGE, and a key that matches DuckDB's for the same rows.
"""

from __future__ import annotations

import datetime as dt
import gzip

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from loader.taxis import GREEN
from tests.conftest import PROJECT_ROOT
from tests.support.bigquery_recorder import parse_bigquery, run_recorded
from tests.support.dbt_scratch import run_dbt_in
from tests.support.keys import green_key

ENV = {
    "LANDING_URI": "gs://taxi-landing/landing",
    "GCP_PROJECT_ID": "demo-project",
    "BQ_DATASET": "taxi",
}
UTC = dt.timezone.utc
MANIFEST = [
    ("green_tripdata_2021-01.csv", "5cuUIQ==", 76_518, "2026-11-25 18:47:06.874342", None, 0),
    ("green_tripdata_2021-02.csv", "fZJp7Q==", 64_572, "2026-11-25 18:47:07.100756", None, 0),
]
BATCH_MONTHS = [dt.datetime(2009, 1, 1, tzinfo=UTC), dt.datetime(2021, 1, 1, tzinfo=UTC)]
BATCH_MONTHS += [dt.datetime(2021, 2, 1, tzinfo=UTC), dt.datetime(2021, 3, 1, tzinfo=UTC)]
GREEN_COLUMNS = [
    ("unique_row_id", "STRING"),
    ("filename", "STRING"),
    *[
        (
            name,
            "TIMESTAMP"
            if name.endswith("_datetime")
            else "STRING"
            if name == "store_and_fwd_flag"
            else "NUMERIC"
            if name not in ("VendorID", "RatecodeID", "PULocationID", "DOLocationID")
            and name not in ("passenger_count", "payment_type", "trip_type")
            else "INT64",
        )
        for name in GREEN.columns
    ],
]


def answers(sql: str):
    text = sql.lower()
    if "as merged_crc32c" in text:
        return MANIFEST if "'green'" in text else []
    if "select distinct timestamp_trunc" in text:
        return [(month,) for month in BATCH_MONTHS]
    if "group by 1, 2" in text and "stg_tlc__green_trips" in text:
        uri = "gs://taxi-landing/landing/green/green_tripdata_2021-0{}.csv"
        return [
            (uri.format(1), BATCH_MONTHS[1], 76_500),
            (uri.format(1), BATCH_MONTHS[0], 18),
            (uri.format(2), BATCH_MONTHS[2], 64_571),
            (uri.format(2), BATCH_MONTHS[3], 1),
        ]
    return None


@pytest.fixture(scope="module")
def first_run():
    return run_recorded(
        ["run"], PROJECT_ROOT, PROJECT_ROOT / "profiles.example.yml", env=ENV, query_answers=answers
    )


@pytest.fixture(scope="module")
def incremental_run():
    return run_recorded(
        ["run", "--select", "green_tripdata"],
        PROJECT_ROOT,
        PROJECT_ROOT / "profiles.example.yml",
        env=ENV,
        query_answers=answers,
        existing_relations={
            "green_tripdata": "table",
            "stg_tlc__green_trips": "view",
            "merge_log": "table",
            "landed_files": "external",
            "green_tripdata_ext": "external",
        },
        columns={"green_tripdata": GREEN_COLUMNS},
    )


def statements(recording, kind: str) -> list[str]:
    return [s.sql for s in recording.statements if s.statement_type == kind]


def test_dbt_parse_for_bigquery_offline(tmp_path):
    run = run_dbt_in(tmp_path, "parse", inherit=True, DBT_TARGET="bigquery", **ENV)
    assert run.returncode == 0, run.stdout[-2000:]


def test_external_tables_have_the_declared_schema_and_strict_options(first_run):
    ddl = {
        sql.split("external table")[1].split("(")[0].strip(): sql
        for sql in statements(first_run, "CREATE_EXTERNAL_TABLE")
    }
    green = ddl["`demo-project`.`taxi`.`green_tripdata_ext`"]
    (parsed,) = parse_bigquery(green)
    schema = {
        column.name: column.args["kind"].sql("bigquery")
        for column in parsed.find_all(exp.ColumnDef)
    }
    assert list(schema) == list(GREEN.columns)
    assert schema["VendorID"] == "INT64" and schema["trip_distance"] == "NUMERIC"
    assert (
        schema["lpep_pickup_datetime"] == "TIMESTAMP" and schema["store_and_fwd_flag"] == "STRING"
    )
    options = {
        prop.name.lower(): prop.args["value"].sql("bigquery")
        for prop in parsed.find_all(exp.Property)
        if "value" in prop.args
    }
    (file_format,) = parsed.find_all(exp.FileFormatProperty)
    assert file_format.this.sql("bigquery") == "'CSV'"
    assert options["skip_leading_rows"] == "1"
    assert options["uris"] == "['gs://taxi-landing/landing/green/green_tripdata_*.csv']"
    assert options["max_bad_records"] == "0"
    assert "ignore_unknown_values" not in options
    manifest = ddl["`demo-project`.`taxi`.`landed_files`"]
    assert "NEWLINE_DELIMITED_JSON" in manifest and "_manifest/*.json" in manifest


def test_first_build_is_partitioned_by_month_and_clustered_by_key(first_run):
    (ctas,) = [
        sql for sql in statements(first_run, "CREATE_TABLE_AS_SELECT") if "green_tripdata`" in sql
    ]
    (parsed,) = parse_bigquery(ctas)
    assert "partition by timestamp_trunc(lpep_pickup_datetime, month)" in " ".join(ctas.split())
    assert "cluster by unique_row_id" in ctas
    assert "gs://taxi-landing/landing/green/green_tripdata_2021-01.csv" in ctas  # the batch filter
    assert parsed.find(exp.Create) is not None


def test_incremental_merge_bounds_the_destination_with_literal_months(incremental_run):
    (merge_sql,) = statements(incremental_run, "MERGE")
    (merge,) = parse_bigquery(merge_sql)
    assert isinstance(merge, exp.Merge)
    condition = merge.args["on"]
    assert not list(condition.find_all(exp.Select)), "a subquery bound does not prune"
    bounds = sorted(
        (node.key, node.expression.sql("bigquery"))
        for node in condition.find_all(exp.GTE, exp.LT)
        if node.this.sql("bigquery") == "DBT_INTERNAL_DEST.lpep_pickup_datetime"
    )
    assert bounds == [
        ("gte", "CAST('2009-01-01 00:00:00' AS TIMESTAMP)"),
        ("gte", "CAST('2021-01-01 00:00:00' AS TIMESTAMP)"),
        ("lt", "CAST('2009-02-01 00:00:00' AS TIMESTAMP)"),
        ("lt", "CAST('2021-04-01 00:00:00' AS TIMESTAMP)"),
    ]
    assert "DBT_INTERNAL_SOURCE.unique_row_id = DBT_INTERNAL_DEST.unique_row_id" in condition.sql(
        "bigquery"
    )
    whens = merge.args["whens"].expressions
    assert [when.args["matched"] for when in whens] == [False]  # insert only: nothing rewritten
    inserted = whens[0].args["then"]
    assert isinstance(inserted, exp.Insert) and "`filename`" in inserted.sql("bigquery")


def test_post_hook_records_literal_counts_bounded_by_months(incremental_run):
    (script,) = [sql for sql in statements(incremental_run, "SCRIPT") if "merge_log" in sql]
    delete, insert = parse_bigquery(script)
    assert isinstance(delete, exp.Delete) and isinstance(insert, exp.Insert)
    text = " ".join(script.split())
    assert "76518 as rows_landed, 76518 as rows_read" in text
    assert "64572 as rows_landed, 64572 as rows_read" in text
    assert "lpep_pickup_datetime >= timestamp '2021-01-01 00:00:00'" in text


def test_bigquery_key_matches_duckdb_on_real_rows(first_run, shared_tlc):
    (view,) = [
        sql for sql in statements(first_run, "CREATE_VIEW") if "stg_tlc__green_trips`" in sql
    ]
    key_sql = view.split("select\n")[1].split(" as unique_row_id")[0].strip()
    assert key_sql.startswith("to_hex(md5(concat(")
    duckdb_sql = sqlglot.transpile(key_sql, read="bigquery", write="duckdb")[0]

    lines = gzip.decompress((shared_tlc / "green/green_tripdata_2021-01.csv.gz").read_bytes())
    sample = lines.decode().splitlines()[1:301]
    con = duckdb.connect()
    kinds = {name: kind for name, kind in GREEN_COLUMNS}
    # BigQuery's types: NUMERIC holds 9 decimals (decimal(38,9)), INT64, TIMESTAMP, STRING.
    ddl = {
        "INT64": "bigint",
        "TIMESTAMP": "timestamp",
        "STRING": "varchar",
        "NUMERIC": "decimal(38,9)",
    }
    con.execute(
        "create table t (" + ", ".join(f'"{c}" {ddl[kinds[c]]}' for c in GREEN.columns) + ")"
    )
    for line in sample:
        values = []
        for raw in line.rstrip("\r").split(","):
            values.append(None if raw == "" else raw)
        con.execute(f"insert into t values ({', '.join('?' * len(values))})", values)
    bigquery_keys = [row[0] for row in con.execute(f"select {duckdb_sql} from t").fetchall()]
    assert bigquery_keys == [green_key(line) for line in sample]
