"""The merge baseline: one DuckDB statement that reads the landed files (CSV, or the loader's
canonical parquet), keys every row with md5 over all columns, drops duplicates and creates the
table. Prints the statement's seconds as JSON.

    python bench/baseline_merge.py FILE.csv[,FILE.csv...] DUCKDB_PATH [FLOOR]
    python bench/baseline_merge.py FILE.parquet[,...] DUCKDB_PATH

FLOOR measures a part of that work instead, what no merge that stores the md5 key can skip:
`key` computes the statement's key for every row and counts the distinct ones (nothing
written), `write` reads the rows typed and writes them to a table (no key).
"""

from __future__ import annotations

import json
import sys
import time

import duckdb

from loader.taxis import TAXI_TYPES

INTEGERS = {"VendorID", "RatecodeID", "PULocationID", "DOLocationID", "passenger_count"}
INTEGERS |= {"payment_type", "trip_type"}


def column_type(column: str) -> str:
    if column.endswith("_datetime"):
        return "timestamp"
    if column == "store_and_fwd_flag":
        return "varchar"
    return "bigint" if column in INTEGERS else "decimal(18,2)"


def main(paths: str, database: str, floor: str = "") -> None:
    files = paths.split(",")
    taxi = TAXI_TYPES[files[0].rsplit("/", 1)[-1].split("_", 1)[0]]
    if files[0].endswith(".parquet"):  # typed already: the loader's canonical schema
        columns = [column.name for column in taxi.parquet_columns]
        rows_in = f"read_parquet({files})"
    else:
        columns = taxi.column_names
        types = {column: column_type(column) for column in columns}
        rows_in = f"read_csv({files}, header = true, types = {types})"
    key = ", ".join(f"coalesce(cast({column} as varchar), '_null_')" for column in columns)
    con = duckdb.connect(database)
    con.execute("set preserve_insertion_order = false")
    statements = {
        "": f"create or replace table trips as select * from ("
        f"select md5(concat_ws('|', {key})) as unique_row_id, * from {rows_in}"
        f") qualify row_number() over (partition by unique_row_id) = 1",
        "key": f"select count(distinct md5(concat_ws('|', {key}))) from {rows_in}",
        "write": f"create or replace table trips as select * from {rows_in}",
    }
    started = time.perf_counter()
    answer = con.execute(statements[floor]).fetchall()
    seconds = time.perf_counter() - started
    if floor != "key":
        answer = con.execute("select count(*) from trips").fetchall()
    rows = answer[0][0]
    con.close()
    print(json.dumps({"seconds": seconds, "rows": rows}))


if __name__ == "__main__":
    main(*sys.argv[1:4])
