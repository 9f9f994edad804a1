"""The parquet door: a TLC parquet file is checked against the registry, then written in the
canonical schema; anything it cannot read exactly is refused with one line."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from loader.checks.parquet import ParquetCheck, canonical_schema
from loader.errors import ValidationError
from loader.months import Month
from loader.sample_data import write_parquet_month
from loader.taxis import FHVHV, GREEN, YELLOW, TaxiType

JAN = Month(2021, 1)
JAN_2024 = Month(2024, 1)


def land(path: Path, taxi=GREEN, month=JAN) -> tuple[int, pa.Table]:
    sink = io.BytesIO()
    checked = ParquetCheck(taxi, month, f"{taxi.name} {month}").land(path, sink)
    assert checked.bytes_written == len(sink.getvalue())
    return checked.rows, pq.read_table(io.BytesIO(sink.getvalue()))


def refused(path: Path, taxi=GREEN, month=JAN) -> str:
    with pytest.raises(ValidationError) as caught:
        land(path, taxi, month)
    message = str(caught.value)
    assert message.startswith(f"{taxi.name} {month}: the file ") and "\n" not in message
    return message


@pytest.fixture
def green(tmp_path: Path) -> Path:
    return write_parquet_month(tmp_path / "mirror", GREEN, JAN, 3_000, seed=5)


def rewrite(path: Path, target: Path, change) -> Path:
    table = change(pq.read_table(path))
    pq.write_table(table, target)
    return target


def replace_column(table: pa.Table, name: str, values: pa.Array) -> pa.Table:
    return table.set_column(table.schema.get_field_index(name), name, values)


def test_a_generated_month_lands_canonical_with_every_row(green):
    rows, table = land(green)
    assert rows == 3_000 == table.num_rows
    assert table.schema.equals(canonical_schema(GREEN), check_metadata=False)
    original = pq.read_table(green)
    assert original.schema.field("RatecodeID").type == pa.float64()  # as the TLC writes it
    assert table.schema.field("RatecodeID").type == pa.int64()
    assert table.schema.field("fare_amount").type == pa.decimal128(18, 2)
    assert table.schema.field("lpep_pickup_datetime").type == pa.timestamp("us")
    assert table.column("cbd_congestion_fee").null_count == 3_000  # absent before 2025
    fares = [str(v) for v in table.column("fare_amount").to_pylist()[:50]]
    assert all(len(fare.split(".")[1]) == 2 for fare in fares)
    assert [float(v) for v in table.column("fare_amount").to_pylist()] == [
        round(v, 2) for v in original.column("fare_amount").to_pylist()
    ]


def test_every_type_and_both_timestamp_units(tmp_path):
    for taxi in (YELLOW, FHVHV):
        for month in (Month(2021, 1), Month(2025, 2)):  # ns, then us; cbd fee from 2025
            path = write_parquet_month(tmp_path / str(month), taxi, month, 1_000, seed=1)
            unit = pq.read_schema(path).field(taxi.pickup_column).type.unit
            assert unit == ("ns" if month.year == 2021 else "us")
            rows, table = land(path, taxi, month)
            assert rows == 1_000
            assert table.schema.names == [c.name for c in taxi.parquet_columns]


def test_airport_fee_spelled_as_from_2023(tmp_path):
    month = Month(2023, 5)
    path = write_parquet_month(tmp_path, YELLOW, month, 500, seed=2)
    assert "Airport_fee" in pq.read_schema(path).names
    rows, table = land(path, YELLOW, month)
    assert rows == 500 and table.column("airport_fee").null_count < 500


def test_not_parquet_and_truncated(tmp_path, green):
    html = tmp_path / "page.parquet"
    html.write_bytes(b"<html><body>Access denied</body></html>")
    assert "is not a readable parquet file" in refused(html)
    cut = tmp_path / "cut.parquet"
    cut.write_bytes(green.read_bytes()[: green.stat().st_size // 2])
    assert "is not a readable parquet file" in refused(cut)


def test_schema_drifts_that_are_refused(tmp_path, green):
    unknown = rewrite(
        green, tmp_path / "u.parquet", lambda t: t.append_column("surge", pa.array([1.0] * 3000))
    )
    assert "columns the green registry does not know: surge" in refused(unknown)
    missing = rewrite(green, tmp_path / "m.parquet", lambda t: t.drop_columns(["PULocationID"]))
    assert "missing columns PULocationID" in refused(missing)
    typed = rewrite(
        green,
        tmp_path / "t.parquet",
        lambda t: replace_column(t, "lpep_pickup_datetime", pa.array(["x"] * 3000)),
    )
    assert "column lpep_pickup_datetime is string, not a timestamp" in refused(typed)
    coordinates = rewrite(
        green,
        tmp_path / "c.parquet",
        lambda t: t.append_column("pickup_longitude", pa.array([-73.9] * 3000)),
    )
    message = refused(coordinates, YELLOW)
    assert "longitude and latitude, not by taxi zone" in message and "2009 and 2010" in message


def test_values_that_are_refused_name_row_column_and_value(tmp_path, green):
    def one_bad(name: str, bad, at: int = 1234):
        def change(table: pa.Table) -> pa.Table:
            values = table.column(name).to_pylist()
            values[at] = bad
            return replace_column(table, name, pa.array(values, table.schema.field(name).type))

        return refused(rewrite(green, tmp_path / f"{name}.parquet", change))

    assert one_bad("fare_amount", 2.345) == (
        "green 2021-01: the file row 1235, fare_amount: 2.345 has more than 2 decimals"
    )
    assert "row 1235, RatecodeID: 1.5 not an integer" in one_bad("RatecodeID", 1.5)
    assert "row 1235, fare_amount: 1e+17 too large" in one_bad("fare_amount", 1e17)
    assert "row 1235, lpep_pickup_datetime: None is empty (NULL)" in one_bad(
        "lpep_pickup_datetime", None
    )
    assert "row 1235, store_and_fwd_flag: 'YY' longer than 1 characters" in one_bad(
        "store_and_fwd_flag", "YY"
    )

    def sub_microsecond(table: pa.Table) -> pa.Table:
        ns = table.column("lpep_dropoff_datetime").cast(pa.int64()).to_pylist()
        ns[7] += 1  # one nanosecond: a value microseconds cannot hold
        return replace_column(table, "lpep_dropoff_datetime", pa.array(ns, pa.timestamp("ns")))

    message = refused(rewrite(green, tmp_path / "ns.parquet", sub_microsecond))
    assert "row 8, lpep_dropoff_datetime: " in message and message.endswith("has nanoseconds")


def test_values_both_warehouses_would_refuse_are_refused_as_the_csv_door_does(tmp_path, green):
    """NaN, infinities and amounts beyond decimal(18,2), text that is not UTF-8 or holds a
    control character, integers beyond int64, timestamps outside years 1 to 9999: each is one
    line naming row, column and value (these ended as 'unexpected ArrowInvalid' or landed)."""

    def with_column(name: str, values: pa.Array, label: str) -> str:
        def change(table: pa.Table) -> pa.Table:
            return replace_column(table, name, values)

        return refused(rewrite(green, tmp_path / f"{label}.parquet", change))

    def one(name: str, bad, kind: pa.DataType, at: int = 2_345) -> str:
        values = [None] * 3_000
        values[at] = bad
        return with_column(name, pa.array(values, kind), f"{name}-{at}")

    assert one("fare_amount", float("nan"), pa.float64()).endswith(
        "row 2346, fare_amount: nan is not a number"
    )
    assert "row 2346, tip_amount: inf is not a number" in one(
        "tip_amount", float("inf"), pa.float64()
    )
    assert "row 2346, total_amount: -inf is not a number" in one(
        "total_amount", float("-inf"), pa.float64()
    )
    big = pa.array([None] * 2_999 + [10**20], pa.decimal128(38, 2))
    assert "row 3000, extra: Decimal('100000000000000000000.00') too large" in with_column(
        "extra", big, "decimal"
    )
    assert "row 2346, passenger_count: 18446744073709551615 too large" in one(
        "passenger_count", 2**64 - 1, pa.uint64()
    )
    not_utf8 = pa.array([b"N"] * 2_999 + [b"\xff"], pa.binary()).view(pa.string())
    assert "row 3000, store_and_fwd_flag: b'\\xff' is not UTF-8" in with_column(
        "store_and_fwd_flag", not_utf8, "utf8"
    )
    assert "row 2346, store_and_fwd_flag: '\\t' holds a control character" in one(
        "store_and_fwd_flag", "\t", pa.string()
    )
    seconds = pa.timestamp("s")
    year_20000 = pa.array([datetime(2021, 1, 5)] * 3_000, seconds).cast(pa.int64()).to_pylist()
    year_20000[9] = 568_971_820_800  # 20000-01-01
    assert "row 10, lpep_dropoff_datetime: " in with_column(
        "lpep_dropoff_datetime", pa.array(year_20000, pa.int64()).cast(seconds), "year"
    )


def test_row_count_is_the_footers(tmp_path, green):
    rows, _ = land(green)
    assert rows == pq.ParquetFile(green).metadata.num_rows


def test_empty_file_refused(tmp_path, green):
    empty = rewrite(green, tmp_path / "e.parquet", lambda t: t.slice(0, 0))
    assert refused(empty).endswith("has no rows")


def test_timestamps_keep_their_value(tmp_path, green):
    _, table = land(green)
    original = pq.read_table(green).column("lpep_pickup_datetime").to_pylist()[:20]
    landed = table.column("lpep_pickup_datetime").to_pylist()[:20]
    assert all(isinstance(value, datetime) for value in landed)
    assert landed == original


_BAD_VALUES: list[tuple[pa.DataType, object]] = [
    (pa.float64(), float("nan")),
    (pa.float64(), float("inf")),
    (pa.float64(), -float("inf")),
    (pa.float64(), 1e300),
    (pa.float64(), 1e16),
    (pa.float64(), 0.005),
    (pa.float64(), 5e-324),
    (pa.float64(), 2.0**63),
    (pa.float64(), -0.0),
    (pa.int64(), 2**63 - 1),
    (pa.int64(), -(2**63)),
    (pa.uint64(), 2**64 - 1),
    (pa.int32(), -1),
    (pa.string(), ""),
    (pa.string(), "\x00"),
    (pa.string(), "é"),
    (pa.string(), "N" * 300),
    (pa.large_string(), "Y"),
    (pa.binary(), b"\xc3("),
    (pa.decimal128(38, 2), 10**17),
    (pa.decimal128(38, 9), 1),
    (pa.timestamp("s"), 568_971_820_800),  # the year 20000
    (pa.timestamp("s"), -62_135_596_801),  # a second before the year 1
    (pa.timestamp("ms"), 0),
    (pa.timestamp("ns"), 1_609_459_200_000_000_001),
    (pa.timestamp("us", tz="UTC"), 0),
    (pa.bool_(), True),
    (pa.null(), None),
]


def _fuzzed_column(original: pa.ChunkedArray, kind: pa.DataType, bad, at: int) -> pa.Array:
    """The column as `kind`: its own values where they convert, `bad` at row `at`; text that
    is not UTF-8 goes in as a string column (Arrow does not check what parquet calls a
    string)."""
    if pa.types.is_binary(kind):
        values = [b"N"] * len(original)
        values[at] = bad
        return pa.array(values, pa.binary()).view(pa.string())
    if pa.types.is_null(kind):
        return pa.nulls(len(original))
    try:
        values = original.cast(kind).to_pylist()
    except (pa.ArrowException, ValueError):
        values = [None] * len(original)
    if pa.types.is_timestamp(kind):
        ticks = pa.array(values, kind).cast(pa.int64()).to_pylist()
        ticks[at] = bad
        return pa.array(ticks, pa.int64()).cast(kind)
    values[at] = bad
    return pa.array(values, kind)


def test_fuzzed_files_land_readable_or_are_refused_in_one_line(tmp_path, green):
    """Whatever a file holds, the checker lands it (and DuckDB then reads every value with
    the declared types) or refuses it with one ValidationError line: never another error."""
    import os
    import random

    import duckdb

    rng = random.Random(2026_12_06)
    base = pq.read_table(green)
    outcomes = {"landed": 0, "refused": 0}
    for case in range(int(os.environ.get("FUZZ_SEEDS", "80"))):
        name = rng.choice(base.schema.names)
        kind, bad = rng.choice(_BAD_VALUES)
        at = rng.randrange(base.num_rows)
        column = _fuzzed_column(base.column(name), kind, bad, at)
        path = tmp_path / f"case-{case}.parquet"
        pq.write_table(replace_column(base, name, column), path)
        sink = io.BytesIO()
        try:
            ParquetCheck(GREEN, JAN, "green 2021-01").land(path, sink)
        except ValidationError as error:
            message = str(error)
            assert message.startswith("green 2021-01: the file ") and "\n" not in message, (
                name, kind, bad, message,
            )  # fmt: skip
            outcomes["refused"] += 1
            continue
        landed = tmp_path / f"landed-{case}.parquet"
        landed.write_bytes(sink.getvalue())
        con = duckdb.connect()
        rows = con.execute(f"select * from read_parquet('{landed}')").fetchall()
        con.close()
        assert len(rows) == base.num_rows, (name, kind, bad)
        outcomes["landed"] += 1
    assert outcomes["landed"] and outcomes["refused"], outcomes  # both paths were walked


def test_the_real_tlc_month_lands_every_row_with_its_quirks(shared_tlc):
    """green 2024-01 as the TLC publishes it (../shared/data/tlc/parquet, one row group of
    56,551 rows): what the students' loaders trip over lands canonical, value for value."""
    path = shared_tlc / "parquet" / "green_tripdata_2024-01.parquet"
    source = pq.read_table(path)
    kinds = {field.name: field.type for field in source.schema}
    assert pq.ParquetFile(path).metadata.num_row_groups == 1
    assert kinds["PULocationID"] == kinds["DOLocationID"] == kinds["VendorID"] == pa.int32()
    assert kinds["RatecodeID"] == kinds["payment_type"] == kinds["trip_type"] == pa.int64()
    assert kinds["store_and_fwd_flag"] == pa.large_string()
    assert kinds["ehail_fee"] == pa.float64() and source.column("ehail_fee").null_count == 56_551

    rows, table = land(path, GREEN, JAN_2024)
    assert rows == table.num_rows == 56_551
    assert table.schema.equals(canonical_schema(GREEN), check_metadata=False)
    for name in ("PULocationID", "RatecodeID", "payment_type"):
        assert table.column(name).to_pylist() == source.column(name).to_pylist(), name
    assert table.column("store_and_fwd_flag").to_pylist() == (
        source.column("store_and_fwd_flag").to_pylist()
    )
    assert table.column("ehail_fee").null_count == 56_551
    assert [float(v) for v in table.column("total_amount").drop_null().to_pylist()] == [
        round(v, 2) for v in source.column("total_amount").drop_null().to_pylist()
    ]
    pickups = table.column("lpep_pickup_datetime")
    assert pickups.to_pylist() == source.column("lpep_pickup_datetime").to_pylist()
    outside = pc.less(pickups, pa.scalar(datetime(2024, 1, 1), pa.timestamp("us")))
    assert pc.sum(outside).as_py() == 2  # kept: the pickups outside the month land


def test_a_month_in_one_row_group_lands_in_batches(tmp_path):
    """The TLC writes a month as one row group: the check reads it a batch at a time and
    writes each batch as a row group, the rows and their order unchanged."""
    from loader.checks import parquet

    generated = write_parquet_month(tmp_path / "mirror", YELLOW, JAN, 150_000, seed=3)
    one = tmp_path / "one.parquet"
    pq.write_table(pq.read_table(generated), one, row_group_size=150_000)
    assert pq.ParquetFile(one).metadata.num_row_groups == 1
    landed = land_bytes(one, YELLOW, JAN)
    metadata = pq.ParquetFile(io.BytesIO(landed)).metadata
    batch = parquet.BATCH_ROWS
    assert [metadata.row_group(i).num_rows for i in range(metadata.num_row_groups)] == [
        min(batch, 150_000 - start) for start in range(0, 150_000, batch)
    ]
    table = pq.read_table(io.BytesIO(landed))
    assert table.column("tpep_pickup_datetime").to_pylist() == (
        pq.read_table(one).column("tpep_pickup_datetime").cast(pa.timestamp("us")).to_pylist()
    )


def land_bytes(path: Path, taxi: TaxiType, month: Month) -> bytes:
    sink = io.BytesIO()
    ParquetCheck(taxi, month, f"{taxi.name} {month}").land(path, sink)
    return sink.getvalue()
