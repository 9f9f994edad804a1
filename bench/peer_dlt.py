"""Benchmark peer: dlt loads one month's TLC CSV into DuckDB, merged on unique_row_id.

The idiomatic fast path of dlt: a resource yields Arrow record batches (dlt writes them
straight to parquet and skips its row-by-row JSON normalizer), `write_disposition="merge"`
with `primary_key="unique_row_id"` on dlt's DuckDB destination. End to end, in one process:
HTTP stream -> gunzip -> pyarrow's streaming CSV reader -> key + types -> dlt extract,
normalize and load (staging dataset, then delete-insert into the destination table).

unique_row_id is md5 (hex) of the row's raw CSV fields joined with '|', an empty field as
'_null_'. Columns get the types taxi-elt declares for its sources: *_datetime timestamp,
the id and count columns bigint, store_and_fwd_flag varchar, the rest decimal(18,2).

Runs only where dlt[duckdb] and pyarrow are installed (not in the project's venv):

    python bench/peer_dlt.py URL DUCKDB_PATH   # prints one JSON line

dlt keeps its pipeline state in a temporary directory (never ~/.dlt) and sends no telemetry.
Its default snake_case naming renames columns in the table (VendorID -> vendor_id,
PULocationID -> pu_location_id); unique_row_id and the table name stay as they are.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dlt
import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from dlt.common.schema.typing import TTableSchemaColumns

KEY = "unique_row_id"
NULL_MARKER = "_null_"
SEPARATOR = "|"
DATASET = "main"  # tables land in DuckDB's default schema: plain `green_tripdata`
INTEGER_COLUMNS = frozenset(
    {
        "VendorID",
        "RatecodeID",
        "PULocationID",
        "DOLocationID",
        "passenger_count",
        "payment_type",
        "trip_type",
    }
)
TEXT_COLUMNS = frozenset({"store_and_fwd_flag"})


def taxi_of(url: str) -> str:
    """'green' for .../green_tripdata_2021-01.csv.gz."""
    name = url.rstrip("/").rsplit("/", 1)[-1]
    taxi, sep, _ = name.partition("_tripdata_")
    if not sep or not taxi:
        raise ValueError(f"{name!r} is not named <taxi>_tripdata_YYYY-MM.csv.gz")
    return taxi


def column_type(column: str) -> pa.DataType:
    if column.endswith("_datetime"):
        return pa.timestamp("us")
    if column in INTEGER_COLUMNS:
        return pa.int64()
    if column in TEXT_COLUMNS:
        return pa.string()
    return pa.decimal128(18, 2)


def read_batches(url: str, columns: list[str]) -> Iterator[pa.RecordBatch]:
    """Stream, gunzip and parse the CSV; yield typed batches with unique_row_id first."""
    types = [column_type(c) for c in columns]
    schema = pa.schema(
        [
            pa.field(KEY, pa.string(), nullable=False),
            *(pa.field(c, t) for c, t in zip(columns, types, strict=True)),
        ]
    )
    with urllib.request.urlopen(url) as response:
        stream = pa.CompressedInputStream(pa.PythonFile(response, mode="r"), "gzip")
        reader = pa_csv.open_csv(
            stream,
            # Every field as text first: the key is over the raw fields (".61", not 0.61).
            convert_options=pa_csv.ConvertOptions(
                column_types=dict.fromkeys(columns, pa.string()),
                null_values=[""],
                strings_can_be_null=True,
            ),
        )
        if reader.schema.names != columns:
            raise ValueError(f"{url}: header {reader.schema.names} is not {columns}")
        for batch in reader:
            joined = pc.binary_join_element_wise(
                *batch.columns,
                SEPARATOR,
                null_handling="replace",
                null_replacement=NULL_MARKER,
            ).cast(pa.binary())
            keys = pa.array(
                [hashlib.md5(row).hexdigest() for row in joined.to_pylist()], pa.string()
            )
            typed = [array.cast(kind) for array, kind in zip(batch.columns, types, strict=True)]
            yield pa.RecordBatch.from_arrays([keys, *typed], schema=schema)


def run_dlt_merge(csv_gz_url: str, duckdb_path: Path, *, taxi_columns: list[str]) -> dict[str, Any]:
    """Load one month into `<taxi>_tripdata` of the DuckDB file with a dlt merge on the key."""
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    table = f"{taxi_of(csv_gz_url)}_tripdata"
    rows = 0

    # dlt drops the arrow timezone flag: without this hint naive timestamps become TIMESTAMPTZ.
    hints: TTableSchemaColumns = {
        c: {"data_type": "timestamp", "timezone": False}
        for c in taxi_columns
        if pa.types.is_timestamp(column_type(c))
    }

    @dlt.resource(name=table, write_disposition="merge", primary_key=KEY, columns=hints)
    def trips() -> Iterator[pa.RecordBatch]:
        nonlocal rows
        for batch in read_batches(csv_gz_url, taxi_columns):
            rows += batch.num_rows
            yield batch

    with tempfile.TemporaryDirectory(prefix="peer_dlt_") as pipelines_dir:
        started = time.perf_counter()
        pipeline = dlt.pipeline(
            pipeline_name=f"peer_{table}",
            pipelines_dir=pipelines_dir,
            destination=dlt.destinations.duckdb(credentials=str(duckdb_path)),
            dataset_name=DATASET,
        )
        pipeline.run(trips())
        seconds = time.perf_counter() - started
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        result = con.execute(f'select count(*) from "{DATASET}"."{table}"').fetchone()
    return {
        "tool": "dlt",
        "dlt_version": dlt.__version__,
        "table": f"{DATASET}.{table}",
        "rows": rows,
        "rows_in_table": result[0] if result else 0,
        "seconds": round(seconds, 3),
    }


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python bench/peer_dlt.py URL DUCKDB_PATH", file=sys.stderr)
        return 2
    url, path = argv
    # The headers come from the project's loader (stdlib only), found beside bench/.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from loader.taxis import TAXI_TYPES

    taxi = TAXI_TYPES.get(taxi_of(url))
    if taxi is None:
        print(f"{url}: taxi is not one of {sorted(TAXI_TYPES)}", file=sys.stderr)
        return 2
    print(json.dumps(run_dlt_merge(url, Path(path), taxi_columns=list(taxi.columns))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
