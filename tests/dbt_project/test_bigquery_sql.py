"""The BigQuery target, verified offline: the exact SQL `dbt run` would send, recorded.

dbt runs in-process with the BigQuery client replaced by a recorder (tests/support/
bigquery_recorder.py): nothing reaches Google. Each statement is parsed with sqlglot's
BigQuery dialect and checked for what the emulator lane (tests/bigquery) cannot show: the
external tables' schema and options, the partitioned and clustered first build, each file
read through an exception handler and pruned by _FILE_NAME, literal partition bounds on the
destination of each insert-only MERGE, and a key that matches DuckDB's for the same rows.
"""

from __future__ import annotations

import datetime as dt
import gzip

import duckdb
import pytest
import sqlglot
from sqlglot import exp

from loader.taxis import GREEN, YELLOW
from tests.conftest import PROJECT_ROOT
from tests.support.bigquery_recorder import QueryResult, parse_bigquery, run_recorded
from tests.support.dbt_scratch import run_dbt_in
from tests.support.keys import green_key

ENV = {
    "LANDING_URI": "gs://taxi-landing/landing",
    "GCP_PROJECT_ID": "demo-project",
    "BQ_DATASET": "taxi",
}
UTC = dt.timezone.utc
MANIFEST = [
    (
        "green_tripdata_2021-01.csv",
        "5cuUIQ==",
        76_518,
        "2026-11-25 18:47:06.874342",
        7_352_342,
        None,
        0,
    ),
    (
        "green_tripdata_2021-02.csv",
        "fZJp7Q==",
        64_572,
        "2026-11-25 18:47:07.100756",
        6_221_063,
        None,
        0,
    ),
]
MONTHS = {  # per file and pickup month: the first and last pickup, and the rows
    "green_tripdata_2021-01.csv": [
        (
            dt.datetime(2009, 1, 1, tzinfo=UTC),
            dt.datetime(2009, 1, 1, 0, 5, tzinfo=UTC),
            dt.datetime(2009, 1, 1, 20, 10, 7, tzinfo=UTC),
            18,
        ),
        (
            dt.datetime(2021, 1, 1, tzinfo=UTC),
            dt.datetime(2021, 1, 1, 0, 0, 3, tzinfo=UTC),
            dt.datetime(2021, 1, 31, 23, 59, 58, tzinfo=UTC),
            76_500,
        ),
    ],
    "green_tripdata_2021-02.csv": [
        (
            dt.datetime(2021, 2, 1, tzinfo=UTC),
            dt.datetime(2021, 2, 1, 0, 0, 1, tzinfo=UTC),
            dt.datetime(2021, 2, 28, 23, 59, 40, tzinfo=UTC),
            64_571,
        ),
        (
            dt.datetime(2021, 3, 1, tzinfo=UTC),
            dt.datetime(2021, 3, 1, 0, 12, 30, tzinfo=UTC),
            dt.datetime(2021, 3, 1, 0, 12, 30, tzinfo=UTC),
            1,
        ),
    ],
}
INTEGERS = {"VendorID", "RatecodeID", "PULocationID", "DOLocationID", "passenger_count"}
INTEGERS |= {"payment_type", "trip_type"}
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
            else "INT64"
            if name in INTEGERS
            else "NUMERIC",
        )
        for name in GREEN.column_names
    ],
]


class Answers:
    """Answers the model's queries as BigQuery would for two landed green months."""

    def __init__(self) -> None:
        self.staged: str | None = None

    def __call__(self, sql: str):
        text = sql.lower().strip()
        if "as merged_crc32c" in text:
            return [(*row, "merged") for row in MANIFEST] if "'green'" in text else []
        if "exception when error" in text:
            self.staged = next(name for name in MONTHS if name in sql)
            return QueryResult(columns=["problem"], rows=[("",)])
        if "as pickup_month, min(" in text and self.staged:
            return MONTHS[self.staged]
        if text.startswith("select count(*) from") and "filename = " in text:
            name = next(name for name in MONTHS if name in sql)
            return [(sum(month[-1] for month in MONTHS[name]),)]
        return None


@pytest.fixture(scope="module")
def first_run():
    return run_recorded(
        ["run"],
        PROJECT_ROOT,
        PROJECT_ROOT / "profiles.example.yml",
        env=ENV,
        query_answers=Answers(),
    )


@pytest.fixture(scope="module")
def incremental_run():
    return run_recorded(
        ["run", "--select", "green_tripdata"],
        PROJECT_ROOT,
        PROJECT_ROOT / "profiles.example.yml",
        env=ENV,
        query_answers=Answers(),
        existing_relations={
            "green_tripdata": "table",
            "stg_tlc__green_trips": "view",
            "merge_log": "table",
            "landed_files": "external",
            "green_tripdata_ext": "external",
        },
        columns={"green_tripdata": GREEN_COLUMNS},
    )


def statements(recording, kind: str, model: str | None = "green_tripdata") -> list[str]:
    return [
        s.sql
        for s in recording.statements
        if s.statement_type == kind and (model is None or (s.node_id or "").endswith(model))
    ]


def test_dbt_parse_for_bigquery_offline(tmp_path):
    run = run_dbt_in(tmp_path, "parse", inherit=True, DBT_TARGET="bigquery", **ENV)
    assert run.returncode == 0, run.stdout[-2000:]


def test_external_tables_have_the_declared_schema_and_strict_options(first_run):
    ddl = {
        sql.split("external table")[1].split("(")[0].strip(): sql
        for sql in statements(first_run, "CREATE_EXTERNAL_TABLE", model=None)
    }
    green = ddl["`demo-project`.`taxi`.`green_tripdata_ext`"]
    (parsed,) = parse_bigquery(green)
    schema = {
        column.name: column.args["kind"].sql("bigquery")
        for column in parsed.find_all(exp.ColumnDef)
    }
    assert list(schema) == list(GREEN.column_names)
    # Integers read as NUMERIC ("1.0" is refused as INT64); staging casts them to INT64.
    assert {schema[name] for name in INTEGERS} == {"NUMERIC"}
    assert schema["trip_distance"] == "NUMERIC" and schema["store_and_fwd_flag"] == "STRING"
    assert schema["lpep_pickup_datetime"] == "TIMESTAMP"
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
    # The parquet files the loader lands: typed as written (timestamps without a zone are
    # DATETIME to BigQuery), every column the merged table has except the CSV-only ones.
    (parquet,) = parse_bigquery(ddl["`demo-project`.`taxi`.`yellow_tripdata_parquet_ext`"])
    columns = {
        column.name: column.args["kind"].sql("bigquery")
        for column in parquet.find_all(exp.ColumnDef)
    }
    assert list(columns) == [column.name for column in YELLOW.parquet_columns]
    assert columns["tpep_pickup_datetime"] == "DATETIME" and columns["VendorID"] == "INT64"
    assert columns["airport_fee"] == "NUMERIC"
    (parquet_format,) = parquet.find_all(exp.FileFormatProperty)
    assert parquet_format.this.sql("bigquery") == "'PARQUET'"
    assert "yellow/yellow_tripdata_*.parquet" in parquet.sql("bigquery")


def test_first_build_is_partitioned_by_month_clustered_by_key_and_swapped_in(first_run):
    (create,) = statements(first_run, "CREATE_TABLE")
    (parsed,) = parse_bigquery(create)
    assert "`green_tripdata__dbt_tmp`" in create
    assert "partition by timestamp_trunc(`lpep_pickup_datetime`, month)" in " ".join(create.split())
    assert "cluster by unique_row_id" in create and parsed.find(exp.Create) is not None
    # Swapped in atomically (create or replace ... as select), partitioned and clustered again.
    (swap,) = [
        sql for sql in statements(first_run, "CREATE_TABLE_AS_SELECT") if "or replace" in sql
    ]
    text = " ".join(swap.split())
    assert text.startswith("create or replace table `demo-project`.`taxi`.`green_tripdata` ")
    assert (
        "cluster by unique_row_id as select * from `demo-project`.`taxi`.`green_tripdata__dbt_tmp`"
        in text
    )
    (delete,) = statements(first_run, "DELETE")
    assert "`merge_log` where taxi = 'green'" in delete  # the taxi's log, replaced at the swap


def test_each_file_is_read_alone_through_an_exception_handler(first_run):
    scripts = [sql for sql in statements(first_run, "SCRIPT") if "exception when error" in sql]
    assert len(scripts) == 2
    for script, name in zip(scripts, MONTHS, strict=True):
        uri = f"gs://taxi-landing/landing/green/{name}"
        assert f"where _FILE_NAME = '{uri}'" in script  # prunes the external table to one file
        assert "select @@error.message as problem" in script
        parse_bigquery(script.split("begin", 1)[1].split("exception when error")[0])


def test_each_merge_is_insert_only_and_bounded_by_literal_ranges(incremental_run):
    merges = statements(incremental_run, "MERGE")
    assert len(merges) == 2
    for merge_sql, name in zip(merges, MONTHS, strict=True):
        (merge,) = parse_bigquery(merge_sql)
        assert isinstance(merge, exp.Merge)
        condition = merge.args["on"]
        assert not list(condition.find_all(exp.Select)), "a subquery bound does not prune"
        bounds = sorted(
            (node.args["low"].sql("bigquery"), node.args["high"].sql("bigquery"))
            for node in condition.find_all(exp.Between)
            if node.this.sql("bigquery") == "merged.`lpep_pickup_datetime`"
        )
        # Each month's first and last pickup of the file: the destination is read only there.
        expected = sorted(
            (
                f"CAST('{first:%Y-%m-%d %H:%M:%S}.000000' AS TIMESTAMP)",
                f"CAST('{last:%Y-%m-%d %H:%M:%S}.000000' AS TIMESTAMP)",
            )
            for _, first, last, _ in MONTHS[name]
        )
        assert bounds == expected
        assert "merged.unique_row_id = batch.unique_row_id" in condition.sql("bigquery")
        whens = merge.args["whens"].expressions
        assert [when.args["matched"] for when in whens] == [False]  # insert only
        assert "filename, `VendorID`" in whens[0].args["then"].sql("bigquery")


def test_each_file_is_logged_with_literal_counts(incremental_run):
    logs = [
        sql for sql in statements(incremental_run, "SCRIPT") if "into" in sql and "values" in sql
    ]
    assert len(logs) == 2
    delete, insert = parse_bigquery(logs[0])
    assert isinstance(delete, exp.Delete) and isinstance(insert, exp.Insert)
    text = " ".join(logs[0].split())
    assert "'green_tripdata_2021-01.csv', '5cuUIQ==', 76518, 76518, 76518, 0," in text
    assert "'2009-01,2021-01', 'merged'" in text


def test_bigquery_key_matches_duckdb_on_real_rows(first_run, shared_tlc):
    (view,) = statements(first_run, "CREATE_VIEW", model="stg_tlc__green_trips")
    key_sql = view.split("final as (")[1].split("select\n")[1].split(" as unique_row_id")[0]
    assert key_sql.strip().startswith("to_hex(md5(concat(")
    duckdb_sql = sqlglot.transpile(key_sql, read="bigquery", write="duckdb")[0]

    lines = gzip.decompress((shared_tlc / "green/green_tripdata_2021-01.csv.gz").read_bytes())
    sample = lines.decode().splitlines()[1:301]
    con = duckdb.connect()
    kinds = dict(GREEN_COLUMNS)
    # BigQuery's types after staging: INT64, NUMERIC (9 decimals), TIMESTAMP, STRING.
    ddl = {
        "INT64": "bigint",
        "TIMESTAMP": "timestamp",
        "STRING": "varchar",
        "NUMERIC": "decimal(38,9)",
    }
    con.execute(
        "create table t (" + ", ".join(f'"{c}" {ddl[kinds[c]]}' for c in GREEN.column_names) + ")"
    )
    for column in GREEN.parquet_only:  # the columns only parquet files carry: NULL in a CSV
        con.execute(f'alter table t add column "{column.name}" decimal(38,9)')
    names = ", ".join(f'"{c}"' for c in GREEN.column_names)
    for line in sample:
        values = [None if raw == "" else raw for raw in line.rstrip("\r").split(",")]
        con.execute(f"insert into t ({names}) values ({', '.join('?' * len(values))})", values)
    bigquery_keys = [row[0] for row in con.execute(f"select {duckdb_sql} from t").fetchall()]
    assert bigquery_keys == [green_key(line) for line in sample]
