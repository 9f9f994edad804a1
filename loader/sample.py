"""A seeded, synthetic mirror of the TLC CSV backups in the release layout.

Realistic where it matters to a loader and to dbt: green files use CRLF, a third of green rows
have an empty VendorID (with the columns that go empty with it), ehail_fee is always empty,
decimals below one are written with a leading dot, a few pickups fall outside the file's month
(including the bogus 2008/2009 dates), some totals are negative, and a few rows are exact
duplicates. The same seed gives byte-identical files.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

from loader.months import Month
from loader.taxis import GREEN, TaxiType

try:  # isal compresses several times faster than zlib; the output is ordinary gzip
    from isal import igzip as _gzip

    _LEVEL = 2
except ImportError:  # pragma: no cover
    import gzip as _gzip

    _LEVEL = 6

DUPLICATE_SHARE = 0.002
OUT_OF_MONTH_SHARE = 0.001
NEGATIVE_SHARE = 0.002
BLOCK_ROWS = 20_000


def write_month(out: Path, taxi: TaxiType, month: Month, rows: int, seed: int) -> Path:
    """Write <out>/<taxi>/<taxi>_tripdata_YYYY-MM.csv.gz with `rows` data rows."""
    folder = out / taxi.name
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / taxi.source_name(month)
    temp = path.with_name(path.name + ".part")
    newline = "\r\n" if taxi is GREEN else "\n"
    # mtime=0 keeps the gzip header, and so the file, identical for the same seed.
    with (
        open(temp, "wb") as raw,
        _gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=_LEVEL, mtime=0) as gz,
    ):
        gz.write((",".join(taxi.columns) + newline).encode())
        for block in _blocks(taxi, month, rows, _rng(seed, taxi, month)):
            gz.write((newline.join(block) + newline).encode())
    temp.replace(path)
    return path


def _rng(seed: int, taxi: TaxiType, month: Month) -> random.Random:
    # str hashing is randomised per process; crc32 is not.
    return random.Random(seed * 1_000_003 + zlib.crc32(f"{taxi.name}-{month}".encode()))


def _blocks(taxi: TaxiType, month: Month, rows: int, rng: random.Random) -> Iterator[list[str]]:
    start = datetime(month.year, month.month, 1)
    seconds = int((datetime(*_next(month), 1) - start).total_seconds())
    make = _green_row if taxi is GREEN else _yellow_row
    recent: list[str] = []
    written = 0
    while written < rows:
        block: list[str] = []
        for _ in range(min(BLOCK_ROWS, rows - written)):
            if recent and rng.random() < DUPLICATE_SHARE:
                row = rng.choice(recent)  # an exact duplicate of an earlier row
            else:
                row = make(rng, _pickup(rng, start, seconds))
                if len(recent) < 512:
                    recent.append(row)
                else:
                    recent[rng.randrange(512)] = row
            block.append(row)
        written += len(block)
        yield block


def _next(month: Month) -> tuple[int, int]:
    following = month.next()
    return following.year, following.month


def _pickup(rng: random.Random, start: datetime, seconds: int) -> datetime:
    if rng.random() < OUT_OF_MONTH_SHARE:
        choice = rng.random()
        if choice < 0.3:
            return datetime(2008, 12, 31, 23, 0) + timedelta(seconds=rng.randrange(7200))
        if choice < 0.65:
            return start - timedelta(seconds=rng.randrange(1, 3 * 86400))
        return start + timedelta(seconds=seconds + rng.randrange(3 * 86400))
    return start + timedelta(seconds=rng.randrange(seconds))


def _money(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _dotted(value: float) -> str:
    """Distances and tips below one are written '.61', as in the real files."""
    text = f"{value:.2f}"
    return text[1:] if text.startswith("0.") else text


def _trip(rng: random.Random, pickup: datetime):
    distance = round(rng.expovariate(1 / 3.0), 2)
    minutes = max(1, int(distance * rng.uniform(2.5, 6))) + rng.randrange(4)
    dropoff = pickup + timedelta(minutes=minutes, seconds=rng.randrange(60))
    fare = round(2.5 + distance * 2.5 + minutes * 0.5, 2)
    extra = rng.choice((0, 0, 0.5, 0.5, 1, 2.5, 2.75))
    tip = round(fare * rng.choice((0, 0, 0.1, 0.15, 0.2, 0.25)), 2)
    tolls = 6.12 if rng.random() < 0.04 else 0.0
    congestion = rng.choice((0, 2.75)) if rng.random() < 0.5 else 0.0
    total = round(fare + extra + 0.5 + tip + tolls + 0.3 + congestion, 2)
    if rng.random() < NEGATIVE_SHARE:  # refunds and disputes carry negative amounts
        fare, extra, tip, tolls, total = -fare, -extra, 0.0, -tolls, -total
    return dropoff, distance, fare, extra, tip, tolls, total, congestion


def _stamp(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def _green_row(rng: random.Random, pickup: datetime) -> str:
    dropoff, distance, fare, extra, tip, tolls, total, congestion = _trip(rng, pickup)
    locations = f"{rng.randint(1, 265)},{rng.randint(1, 265)}"
    if rng.random() < 0.35:  # street-hail app rows: no vendor and the columns that go with it
        return (
            f",{_stamp(pickup)},{_stamp(dropoff)},,,{locations},,{_dotted(distance)},"
            f"{_money(fare)},{_money(extra)},0,{_dotted(tip)},{_money(tolls)},,0.3,"
            f"{_money(total)},,,"
        )
    return (
        f"{rng.choice((1, 2, 2))},{_stamp(pickup)},{_stamp(dropoff)},"
        f"{'Y' if rng.random() < 0.01 else 'N'},{rng.choice((1, 1, 1, 1, 5))},{locations},"
        f"{rng.randint(1, 6)},{_dotted(distance)},{_money(fare)},{_money(extra)},0.5,"
        f"{_dotted(tip)},{_money(tolls)},,0.3,{_money(total)},{rng.choice((1, 1, 2))},"
        f"{rng.choice((1, 1, 1, 2))},{_money(congestion)}"
    )


def _yellow_row(rng: random.Random, pickup: datetime) -> str:
    dropoff, distance, fare, extra, tip, tolls, total, congestion = _trip(rng, pickup)
    locations = f"{rng.randint(1, 265)},{rng.randint(1, 265)}"
    if rng.random() < 0.05:  # rows without a vendor, as at the end of real yellow months
        return (
            f",{_stamp(pickup)},{_stamp(dropoff)},,{_dotted(distance)},,,{locations},,"
            f"{_money(fare)},{_money(extra)},0.5,{_dotted(tip)},{_money(tolls)},0.3,"
            f"{_money(total)},{_money(congestion)}"
        )
    return (
        f"{rng.choice((1, 2, 2))},{_stamp(pickup)},{_stamp(dropoff)},{rng.randint(1, 6)},"
        f"{_dotted(distance)},{rng.choice((1, 1, 1, 1, 2))},"
        f"{'Y' if rng.random() < 0.01 else 'N'},{locations},{rng.choice((1, 1, 2))},"
        f"{_money(fare)},{_money(extra)},0.5,{_dotted(tip)},{_money(tolls)},0.3,"
        f"{_money(total)},{_money(congestion)}"
    )
