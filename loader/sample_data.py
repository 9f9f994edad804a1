"""A seeded, synthetic mirror of the TLC CSV backups in the release layout.

Realistic where it matters to a loader and to dbt: green files use CRLF, a third of green rows
have an empty VendorID (with the columns that go empty with it), ehail_fee is always empty,
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
from loader.schema import Decimal, Integer, Text, Timestamp
from loader.taxis import TaxiType

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

    small = _small_ints()
    fields = {
        "VendorID": blank([small[v] for v in rng.choice(np.array([1, 2, 2]), n).tolist()]),
        "store_and_fwd_flag": blank(np.where(rng.random(n) < 0.01, "Y", "N").tolist()),
        "RatecodeID": blank([small[v] for v in rng.choice(np.array([1, 1, 1, 1, 5]), n).tolist()]),
        "PULocationID": [small[v] for v in rng.integers(1, 266, n).tolist()],
        "DOLocationID": [small[v] for v in rng.integers(1, 266, n).tolist()],
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
    fields[taxi.pickup_column] = _timestamps(pickup)
    fields[taxi.dropoff_column] = _timestamps(dropoff)
    # A column the generator does not know by name gets realistic values of its type.
    for column in taxi.columns:
        if column.name not in fields:
            fields[column.name] = _by_type(
                rng, column.type, n, small, pickup, blank if column.nullable else list
            )
    rows = list(map(",".join, zip(*(fields[column] for column in taxi.column_names), strict=True)))
    # A few exact duplicates of earlier rows of the block.
    for index in np.flatnonzero(rng.random(n) < DUPLICATE_SHARE).tolist():
        if index:
            rows[index] = rows[int(rng.integers(0, index))]
    return rows


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
