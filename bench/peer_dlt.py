"""Benchmark peer: dlt loads TLC months (CSV or parquet) into DuckDB, merged on unique_row_id.

`write_disposition="merge"` with `primary_key="unique_row_id"` on dlt's DuckDB destination,
end to end in one process, by either of dlt's two ways in:

- `arrow` (the default), dlt's fast path: the resource yields Arrow record batches, which dlt
  writes straight to parquet, skipping its row-by-row normalizer. HTTP stream -> gunzip ->
  pyarrow's streaming CSV reader -> key + types -> dlt extract, normalize and load (staging
  dataset, then delete-insert into the destination table).
- `rows`, dlt's default path and what its own `filesystem` source's `read_csv` reader does:
  the resource yields lists of row dicts (10,000 a chunk, as `read_csv` does) and dlt's
  normalizer coerces each value to the column's declared type.

A parquet month (a URL ending .parquet, the TLC's own files) takes the arrow way: the file
is downloaded to a temporary file (its footer comes last), read a row group at a time with
pyarrow, its columns cast to the declared types, and yielded as Arrow batches; its columns
are the type's parquet columns (Airport_fee in either spelling).

unique_row_id is md5 (hex) of the row's raw CSV fields joined with '|', an empty field as
'_null_' (of a parquet row: its typed values as text). Columns get the types taxi-elt
declares for its sources: *_datetime timestamp, the id and count columns bigint,
store_and_fwd_flag varchar, the rest decimal(18,2).

Runs only where dlt[duckdb] and pyarrow are installed (not in the project's venv):

    python bench/peer_dlt.py URL[,URL...] DUCKDB_PATH [arrow|rows]   # prints one JSON line

Several URLs (months of one taxi type) go through one pipeline run: one extract, normalize
and merge for all of them, dlt's cheapest way to load a backfill.

dlt keeps its pipeline state in a temporary directory (never ~/.dlt) and sends no telemetry.
Its default snake_case naming renames columns in the table (VendorID -> vendor_id,
PULocationID -> pu_location_id); unique_row_id and the table name stay as they are.
"""

from __future__ import annotations

import codecs
import csv
import gzip
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


def row_keys(texts: list[pa.Array]) -> pa.Array:
    """unique_row_id of each row: md5 (hex) of its fields' text joined with '|'."""
    joined = pc.binary_join_element_wise(
        *texts, SEPARATOR, null_handling="replace", null_replacement=NULL_MARKER
    ).cast(pa.binary())
    return pa.array([hashlib.md5(row).hexdigest() for row in joined.to_pylist()], pa.string())


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
            typed = [array.cast(kind) for array, kind in zip(batch.columns, types, strict=True)]
            yield pa.RecordBatch.from_arrays([row_keys(batch.columns), *typed], schema=schema)


def read_parquet_batches(url: str, columns: list[str]) -> Iterator[pa.RecordBatch]:
    """Download the parquet month, read it a row group at a time; typed batches, key first."""
    import pyarrow.parquet as pq

    types = [column_type(c) for c in columns]
    schema = pa.schema(
        [
            pa.field(KEY, pa.string(), nullable=False),
            *(pa.field(c, t) for c, t in zip(columns, types, strict=True)),
        ]
    )
    with tempfile.NamedTemporaryFile(suffix=".parquet") as spool:
        with urllib.request.urlopen(url) as response:
            while piece := response.read(1 << 20):
                spool.write(piece)
        spool.flush()
        source = pq.ParquetFile(spool.name)
        names = {name.casefold(): name for name in source.schema_arrow.names}
        for group in range(source.num_row_groups):
            table = source.read_row_group(group)
            typed = []
            for column, kind in zip(columns, types, strict=True):
                name = names.get(column.casefold())
                if name is None:
                    typed.append(pa.nulls(table.num_rows, kind))
                    continue
                values = table.column(name).combine_chunks()
                if pa.types.is_decimal(kind) and pa.types.is_floating(values.type):
                    values = pc.round(values, kind.scale)
                typed.append(values.cast(kind))
            texts = [array.cast(pa.string()) for array in typed]
            yield pa.RecordBatch.from_arrays([row_keys(texts), *typed], schema=schema)


CHUNK_ROWS = 10_000  # what dlt's filesystem `read_csv` reader yields at a time


def read_rows(url: str, columns: list[str]) -> Iterator[list[dict[str, str | None]]]:
    """Stream, gunzip and parse the CSV; yield chunks of row dicts with unique_row_id."""
    with urllib.request.urlopen(url) as response, gzip.GzipFile(fileobj=response) as raw:
        reader = csv.reader(codecs.getreader("utf-8")(raw))
        header = next(reader)
        if header != columns:
            raise ValueError(f"{url}: header {header} is not {columns}")
        chunk: list[dict[str, str | None]] = []
        for fields in reader:
            joined = SEPARATOR.join(field or NULL_MARKER for field in fields)
            row: dict[str, str | None] = {KEY: hashlib.md5(joined.encode()).hexdigest()}
            row.update((c, f or None) for c, f in zip(columns, fields, strict=True))
            chunk.append(row)
            if len(chunk) == CHUNK_ROWS:
                yield chunk
                chunk = []
        if chunk:
            yield chunk


def dlt_type(kind: pa.DataType) -> dict[str, Any]:
    """The dlt column hint for a column of this Arrow type."""
    if pa.types.is_timestamp(kind):
        return {"data_type": "timestamp", "timezone": False}
    if pa.types.is_integer(kind):
        return {"data_type": "bigint"}
    if pa.types.is_decimal(kind):
        return {"data_type": "decimal", "precision": kind.precision, "scale": kind.scale}
    return {"data_type": "text"}


def run_dlt_merge(
    csv_gz_urls: list[str], duckdb_path: Path, *, taxi_columns: list[str], way: str = "arrow"
) -> dict[str, Any]:
    """Load months into `<taxi>_tripdata` of the DuckDB file with one dlt merge on the key."""
    os.environ["RUNTIME__DLTHUB_TELEMETRY"] = "false"
    table = f"{taxi_of(csv_gz_urls[0])}_tripdata"
    rows = 0

    if way == "arrow":
        # dlt drops the arrow timezone flag: without this hint naive timestamps become
        # TIMESTAMPTZ. The other types come with the batches.
        hints: TTableSchemaColumns = {
            c: dlt_type(column_type(c))
            for c in taxi_columns
            if pa.types.is_timestamp(column_type(c))
        }
    else:
        # Dicts of text: every column's type is declared, and dlt coerces each value.
        hints = {c: dlt_type(column_type(c)) for c in taxi_columns}
        hints[KEY] = {"data_type": "text", "nullable": False}

    @dlt.resource(name=table, write_disposition="merge", primary_key=KEY, columns=hints)
    def trips() -> Iterator[Any]:
        nonlocal rows
        for csv_gz_url in csv_gz_urls:
            if csv_gz_url.endswith(".parquet"):
                for batch in read_parquet_batches(csv_gz_url, taxi_columns):
                    rows += batch.num_rows
                    yield batch
            elif way == "arrow":
                for batch in read_batches(csv_gz_url, taxi_columns):
                    rows += batch.num_rows
                    yield batch
            else:
                for chunk in read_rows(csv_gz_url, taxi_columns):
                    rows += len(chunk)
                    yield chunk

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
        "way": way,
        "dlt_version": dlt.__version__,
        "table": f"{DATASET}.{table}",
        "rows": rows,
        "rows_in_table": result[0] if result else 0,
        "seconds": round(seconds, 3),
    }


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or argv[2:] not in ([], ["arrow"], ["rows"]):
        print(
            "usage: python bench/peer_dlt.py URL[,URL...] DUCKDB_PATH [arrow|rows]",
            file=sys.stderr,
        )
        return 2
    urls, path = argv[0].split(","), argv[1]
    url = urls[0]
    way = argv[2] if len(argv) == 3 else "arrow"
    # The headers come from the project's loader (stdlib only), found beside bench/.
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from loader.taxis import TAXI_TYPES

    taxi = TAXI_TYPES.get(taxi_of(url))
    if taxi is None:
        print(f"{url}: taxi is not one of {sorted(TAXI_TYPES)}", file=sys.stderr)
        return 2
    if any(taxi_of(other) != taxi.name for other in urls):
        print("all URLs must be of one taxi type", file=sys.stderr)
        return 2
    parquet = url.endswith(".parquet")
    if parquet and way != "arrow":
        print("a parquet month takes the arrow way", file=sys.stderr)
        return 2
    columns = [c.name for c in taxi.parquet_columns] if parquet else list(taxi.column_names)
    result = run_dlt_merge(urls, Path(path), taxi_columns=columns, way=way)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
