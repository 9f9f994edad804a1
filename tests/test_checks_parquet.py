"""The parquet door: a TLC parquet file is checked against the registry, then written in the
canonical schema; anything it cannot read exactly is refused with one line."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from loader.checks.parquet import ParquetCheck, canonical_schema
from loader.errors import ValidationError
from loader.months import Month
from loader.sample_data import write_parquet_month
from loader.taxis import FHVHV, GREEN, YELLOW

JAN = Month(2021, 1)


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
    assert "column lpep_dropoff_datetime:" in message


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
