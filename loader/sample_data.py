"""A seeded, synthetic mirror of the TLC CSV backups in the release layout.

Realistic where it matters to a loader and to dbt: green files use CRLF, a third of green rows
have an empty VendorID (with the columns that go empty with it), for-hire trips leave their
zones empty at the real files' rates (where the registry allows it), ehail_fee is always empty,
distances and tips below one are written with a leading dot (.61), a few pickups fall outside
the file's month (including the bogus 2008/2009 dates), some totals are negative, and a few
rows are exact duplicates. The same seed gives byte-identical files. Columns are drawn with
numpy a block at a time and formatted through lookup tables, so a month of millions of rows
(the benchmark's scale) takes seconds, not minutes.
"""

from __future__ import annotations

import zlib
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path

import numpy as np

from loader.months import Month
from loader.schema import Column, Decimal, Integer, Text, Timestamp
from loader.taxis import CBD_FEE_FROM, TaxiType

try:  # isal compresses several times faster than zlib; the output is ordinary gzip
    from isal import igzip as _gzip

    _LEVEL = 2
except ImportError:  # pragma: no cover
    import gzip as _gzip

    _LEVEL = 6

DUPLICATE_SHARE = 0.002
OUT_OF_MONTH_SHARE = 0.001
NEGATIVE_SHARE = 0.002
EMPTY_VENDOR_SHARE = {"green": 0.35, "yellow": 0.05}  # others: 0.05
BLOCK_ROWS = 100_000
_MAX_CENTS = 200_000  # amounts are capped at $2,000 so the lookup tables stay small
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def write_month(out: Path, taxi: TaxiType, month: Month, rows: int, seed: int) -> Path:
    """Write <out>/<taxi>/<taxi>_tripdata_YYYY-MM.csv.gz with `rows` data rows."""
    folder = out / taxi.name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / taxi.source_name(month)
    temp = path.with_name(path.name + ".part")
    newline = taxi.line_ending
    rng = np.random.default_rng([seed, zlib.crc32(f"{taxi.name}-{month}".encode())])
    # mtime=0 keeps the gzip header, and so the file, identical for the same seed.
    with (
        open(temp, "wb") as raw,
        _gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=_LEVEL, mtime=0) as gz,
    ):
        gz.write((",".join(taxi.column_names) + newline).encode())
        written = 0
        while written < rows:
            count = min(BLOCK_ROWS, rows - written)
            gz.write((newline.join(_rows(rng, taxi, month, count)) + newline).encode())
            written += count
    temp.replace(path)
    return path


def _rows(rng: np.random.Generator, taxi: TaxiType, month: Month, n: int) -> list[str]:
    start = int(
        (datetime(month.year, month.month, 1, tzinfo=timezone.utc) - _EPOCH).total_seconds()
    )
    following = month.next()
    end = int(
        (datetime(following.year, following.month, 1, tzinfo=timezone.utc) - _EPOCH).total_seconds()
    )
    pickup = start + rng.integers(0, end - start, n)
    outside = np.flatnonzero(rng.random(n) < OUT_OF_MONTH_SHARE)
    where = rng.random(outside.size)
    bogus = int((datetime(2008, 12, 31, 23, tzinfo=timezone.utc) - _EPOCH).total_seconds())
    pickup[outside] = np.where(
        where < 0.3,
        bogus + rng.integers(0, 7200, outside.size),
        np.where(
            where < 0.65,
            start - rng.integers(1, 3 * 86400, outside.size),
            end + rng.integers(0, 3 * 86400, outside.size),
        ),
    )
    distance = np.minimum(np.rint(rng.exponential(300.0, n)), 9_999).astype(np.int64)  # 1/100 mi
    minutes = np.maximum(1, distance * rng.uniform(2.5, 6.0, n) / 100).astype(np.int64)
    minutes += rng.integers(0, 4, n)
    dropoff = pickup + minutes * 60 + rng.integers(0, 60, n)
    fare = 250 + np.rint(distance * 2.5).astype(np.int64) + minutes * 50
    extra = rng.choice(np.array([0, 0, 50, 50, 100, 250, 275]), n)
    tip = np.rint(fare * rng.choice(np.array([0, 0, 0.1, 0.15, 0.2, 0.25]), n)).astype(np.int64)
    tolls = np.where(rng.random(n) < 0.04, 612, 0)
    congestion = np.where(rng.random(n) < 0.5, rng.choice(np.array([0, 275]), n), 0)
    total = fare + extra + 50 + tip + tolls + 30 + congestion
    refund = rng.random(n) < NEGATIVE_SHARE  # refunds and disputes carry negative amounts
    fare, extra, tolls, total = (np.where(refund, -a, a) for a in (fare, extra, tolls, total))
    tip = np.where(refund, 0, tip)
    empty = (rng.random(n) < EMPTY_VENDOR_SHARE.get(taxi.name, 0.05)).tolist()

    def blank(values: list[str]) -> list[str]:
        return ["" if gone else value for gone, value in zip(empty, values, strict=True)]

    pickup_empty, dropoff_empty = taxi.empty_zone_share  # the registry's real rates
    small = _small_ints()
    fields = {
        "VendorID": blank([small[v] for v in rng.choice(np.array([1, 2, 2]), n).tolist()]),
        "store_and_fwd_flag": blank(np.where(rng.random(n) < 0.01, "Y", "N").tolist()),
        "RatecodeID": blank([small[v] for v in rng.choice(np.array([1, 1, 1, 1, 5]), n).tolist()]),
        "PULocationID": _sometimes_empty(
            rng, [small[v] for v in rng.integers(1, 266, n).tolist()], pickup_empty
        ),
        "DOLocationID": _sometimes_empty(
            rng, [small[v] for v in rng.integers(1, 266, n).tolist()], dropoff_empty
        ),
        "passenger_count": blank([small[v] for v in rng.integers(1, 7, n).tolist()]),
        "trip_distance": _dotted(distance),
        "fare_amount": _money(fare),
        "extra": _money(extra),
        "mta_tax": ["0.5"] * n,
        "tip_amount": _dotted(tip),
        "tolls_amount": _money(tolls),
        "ehail_fee": [""] * n,
        "improvement_surcharge": ["0.3"] * n,
        "total_amount": _money(total),
        "payment_type": blank([small[v] for v in rng.choice(np.array([1, 1, 2]), n).tolist()]),
        "trip_type": blank([small[v] for v in rng.choice(np.array([1, 1, 1, 2]), n).tolist()]),
        "congestion_surcharge": (blank if taxi.name == "green" else list)(_money(congestion)),
    }
    fields["hvfhs_license_num"] = rng.choice(np.array(["HV0003", "HV0003", "HV0005"]), n).tolist()
    fields["dispatching_base_num"] = [f"B{v:05d}" for v in rng.integers(2000, 3000, n).tolist()]
    fields["Affiliated_base_number"] = blank(fields["dispatching_base_num"])
    fields = {name.casefold(): values for name, values in fields.items()}
    fields[taxi.pickup_column.casefold()] = _timestamps(pickup)
    fields[taxi.dropoff_column.casefold()] = _timestamps(dropoff)
    # A column the generator does not know by name gets realistic values of its type.
    for column in taxi.columns:
        if column.name.casefold() not in fields:
            fields[column.name.casefold()] = _by_type(
                rng, column.type, n, small, pickup, blank if column.nullable else list
            )
    rows = list(
        map(",".join, zip(*(fields[name.casefold()] for name in taxi.column_names), strict=True))
    )
    # A few exact duplicates of earlier rows of the block.
    for index in np.flatnonzero(rng.random(n) < DUPLICATE_SHARE).tolist():
        if index:
            rows[index] = rows[int(rng.integers(0, index))]
    return rows


def _sometimes_empty(rng, values: list[str], share: float) -> list[str]:
    """`values` with about `share` of them empty (none when share is 0: the draw is skipped,
    so types without empties keep their exact files)."""
    if share <= 0:
        return values
    gone = (rng.random(len(values)) < share).tolist()
    return ["" if empty else value for empty, value in zip(gone, values, strict=True)]


def _by_type(rng, kind, n: int, small: list[str], pickup: np.ndarray, blank) -> list[str]:
    if isinstance(kind, Integer):
        return blank([small[v] for v in rng.integers(1, 7, n).tolist()])
    if isinstance(kind, Decimal):
        return _money(np.rint(rng.exponential(800.0, n)).astype(np.int64))
    if isinstance(kind, Timestamp):
        return _timestamps(pickup - rng.integers(60, 900, n))
    assert isinstance(kind, Text)
    letters = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ"))
    width = min(kind.max_length, 6)
    codes = ["".join(row) for row in rng.choice(letters, (n, width)).tolist()]
    return blank(codes)


@cache
def _small_ints() -> list[str]:
    return [str(value) for value in range(300)]


@cache
def _cents_table() -> list[str]:
    """'0', '0.01', ..., '6.8', '10', ...: amounts written as the real files write them."""
    return [
        (
            f"{cents // 100}.{cents % 100:02d}".rstrip("0").rstrip(".")
            if cents % 100
            else str(cents // 100)
        )
        for cents in range(_MAX_CENTS)
    ]


@cache
def _dotted_table() -> list[str]:
    """Two decimals, and a leading dot below one: '.61', '2.53'."""
    return [f"{cents // 100}.{cents % 100:02d}".removeprefix("0") for cents in range(_MAX_CENTS)]


@cache
def _time_of_day() -> list[str]:
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)]


def _money(cents: np.ndarray) -> list[str]:
    table = _cents_table()
    clipped = np.clip(cents, -(_MAX_CENTS - 1), _MAX_CENTS - 1).tolist()
    return [table[c] if c >= 0 else "-" + table[-c] for c in clipped]


def _dotted(cents: np.ndarray) -> list[str]:
    table = _dotted_table()
    return [table[c] for c in np.clip(cents, 0, _MAX_CENTS - 1).tolist()]


def _timestamps(seconds: np.ndarray) -> list[str]:
    days, times = np.divmod(seconds, 86_400)
    names = {
        day: (_EPOCH + timedelta(days=day)).strftime("%Y-%m-%d ")
        for day in np.unique(days).tolist()
    }
    clock = _time_of_day()
    return [
        names[day] + clock[time] for day, time in zip(days.tolist(), times.tolist(), strict=True)
    ]


# How the TLC's parquet files store the registry's columns: amounts and some codes as doubles,
# location IDs as int32, timestamps in ns until late 2024 and in us after.
_PARQUET_DOUBLE_CODES = {"passenger_count", "ratecodeid", "trip_type", "sr_flag"}
_PARQUET_INT32 = {"vendorid", "pulocationid", "dolocationid"}
_MICROSECONDS_FROM = Month(2024, 10)
_AIRPORT_FEE_FROM = Month(2022, 1)
_FLAGS = {"shared_request_flag", "shared_match_flag", "access_a_ride_flag", "wav_request_flag",
          "wav_match_flag"}  # fmt: skip


def write_parquet_month(out: Path, taxi: TaxiType, month: Month, rows: int, seed: int) -> Path:
    """Write <out>/<taxi>_tripdata_YYYY-MM.parquet in the TLC's schema: the same trips as
    `write_month` with the same seed (so a month written both ways has the same rows), plus
    the columns only the parquet files carry."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    out.mkdir(parents=True, exist_ok=True)
    path = out / taxi.source_name(month, "parquet")
    temp = path.with_name(path.name + ".part")
    rng = np.random.default_rng([seed, zlib.crc32(f"{taxi.name}-{month}".encode())])
    extra_rng = np.random.default_rng([seed, 7, zlib.crc32(f"{taxi.name}-{month}".encode())])
    unit = "us" if month >= _MICROSECONDS_FROM else "ns"
    types = {column.name: _arrow_csv_type(column) for column in taxi.columns}
    writer = None
    try:
        written = 0
        while written < rows:
            count = min(BLOCK_ROWS, rows - written)
            text = taxi.line_ending.join(
                [",".join(taxi.column_names), *_rows(rng, taxi, month, count)]
            )
            block = pacsv.read_csv(
                pa.py_buffer(text.encode()),
                convert_options=pacsv.ConvertOptions(
                    column_types=types, strings_can_be_null=True, quoted_strings_can_be_null=True
                ),
            )
            table = _tlc_parquet_table(taxi, month, block, extra_rng, unit)
            if writer is None:
                writer = pq.ParquetWriter(temp, table.schema, compression="snappy")
            writer.write_table(table)
            written += count
    finally:
        if writer is not None:
            writer.close()
    temp.replace(path)
    return path


def tlc_parquet_columns(taxi: TaxiType, month: Month) -> list[Column]:
    """The registry columns a TLC parquet file of the month carries."""
    return [
        column
        for column in taxi.parquet_columns
        if column.name != "cbd_congestion_fee" or month >= CBD_FEE_FROM
    ]


def _arrow_csv_type(column: Column):
    import pyarrow as pa

    kind = column.type
    if isinstance(kind, Integer):
        return pa.int64()
    if isinstance(kind, Decimal):
        return pa.float64()
    if isinstance(kind, Timestamp):
        return pa.timestamp("s")
    return pa.string()


def _tlc_parquet_table(taxi: TaxiType, month: Month, block, rng, unit: str):
    import pyarrow as pa

    n = block.num_rows
    arrays, names = [], []
    for column in tlc_parquet_columns(taxi, month):
        folded = column.name.casefold()
        if column.name in block.column_names:
            values = block.column(column.name).combine_chunks()
        else:
            values = _parquet_only_values(column, month, n, rng)
        kind = column.type
        if isinstance(kind, Timestamp):
            values = values.cast(pa.timestamp(unit))
        elif isinstance(kind, Integer):
            target = (
                pa.float64()
                if folded in _PARQUET_DOUBLE_CODES
                else pa.int32()
                if folded in _PARQUET_INT32
                else pa.int64()
            )
            values = values.cast(target)
        name = "Airport_fee" if folded == "airport_fee" and month.year >= 2023 else column.name
        arrays.append(values)
        names.append(name)
    return pa.Table.from_arrays(arrays, names=names)


def _parquet_only_values(column: Column, month: Month, n: int, rng):
    import pyarrow as pa

    folded = column.name.casefold()
    kind = column.type
    if folded == "airport_fee" and month < _AIRPORT_FEE_FROM:
        return pa.nulls(n, pa.float64())  # the column exists, empty, before 2022
    if folded in _FLAGS:
        return pa.array(rng.choice(np.array(["N", "N", "N", "Y"]), n).tolist(), pa.string())
    if isinstance(kind, Decimal):
        cents = np.rint(rng.exponential(500.0, n))
        return pa.array(cents / 100.0, pa.float64())
    if isinstance(kind, Integer):
        return pa.array(rng.integers(60, 3600, n), pa.int64())
    if isinstance(kind, Timestamp):
        return pa.nulls(n, pa.timestamp("s"))  # filled from the pickup below, when known
    return pa.array([f"B{v:05d}" for v in rng.integers(2000, 3000, n).tolist()], pa.string())
