"""Check a downloaded TLC parquet file against the registry, and write it canonical.

A parquet file's footer comes last, so the file is checked once it is downloaded and before
anything is published: its schema against the registry (names case-insensitively, with the
known drifts: `Airport_fee`, `cbd_congestion_fee` only from 2025, timestamps in ns or us,
integers written as doubles), the row count in the footer, and every value, a batch of rows at
a time. What lands is the same rows in one canonical schema:
every parquet column of the type in registry order and name, integers int64, decimals
decimal128 at their declared precision and scale, timestamps in microseconds without a zone,
text as UTF-8 strings; a column the file lacks is NULL. Both warehouses then read every landed
parquet file the same way, and the same trip gives the same key as from a CSV backup.

Memory is bounded by a batch, not by the file or its row groups (the TLC writes a month as one
row group): the file is read a page at a time (`buffer_size`), a batch of `BATCH_ROWS` rows is
checked while the batch before it is written on a thread of its own (Arrow releases the GIL in
both), and each written batch is a row group of the landed file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from loader.errors import ValidationError
from loader.months import Month
from loader.schema import Column, Decimal, Integer, Text, Timestamp
from loader.taxis import TaxiType

BATCH_ROWS = 32_768
_READ_BUFFER = 1 << 16  # bytes read at a time from a column chunk
_FIRST_MOMENT = datetime(1, 1, 1)
_LAST_SECOND = datetime(9999, 12, 31, 23, 59, 59)
_INT64 = (-(2**63), 2**63 - 1)
_SHOWN = 40
# Columns of files that locate trips by coordinates (the 2009-2010 ones).
_COORDINATES = {"pickup_longitude", "start_lon"}


def canonical_type(column: Column) -> pa.DataType:
    kind = column.type
    if isinstance(kind, Integer):
        return pa.int64()
    if isinstance(kind, Decimal):
        return pa.decimal128(kind.precision, kind.scale)
    if isinstance(kind, Timestamp):
        return pa.timestamp("us")
    return pa.string()


def canonical_schema(taxi: TaxiType) -> pa.Schema:
    return pa.schema(
        [pa.field(c.name, canonical_type(c), nullable=c.nullable) for c in taxi.parquet_columns]
    )


@dataclass(frozen=True)
class ParquetChecked:
    rows: int
    bytes_written: int


class ParquetCheck:
    """`land(path, sink)` checks the file at `path` and writes it canonical to `sink`."""

    def __init__(self, taxi: TaxiType, month: Month, name: str) -> None:
        self.taxi = taxi
        self.month = month
        self.name = name  # e.g. "green 2021-01": the start of every message

    def land(self, path: Path, sink: BinaryIO) -> ParquetChecked:
        file = self._open(path)
        mapping = self._match_columns(file.schema_arrow)
        schema = canonical_schema(self.taxi)
        rows = 0
        # Decimals of precision <= 18 as INT64 (the unscaled minor units), as parquet allows
        # and both warehouses read: cheaper to write and to read than 16-byte fixed arrays.
        writer = pq.ParquetWriter(
            sink,
            schema,
            compression="snappy",
            store_decimal_as_integer=True,
            use_dictionary=[
                field.name
                for field in schema
                if pa.types.is_integer(field.type) or pa.types.is_string(field.type)
            ],
        )
        written: Future[None] | None = None
        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="parquet-write") as thread:
                for batch in self._batches(file, mapping):
                    try:
                        table = self._canonical(batch, mapping, schema, rows)
                    except (pa.ArrowException, ValueError, OverflowError) as error:
                        # Every value problem above names its row; anything else a file's
                        # content can cause is still one line about the file.
                        self._fail(
                            f"rows {rows + 1:,} to {rows + batch.num_rows:,} do not convert to "
                            f"the registry's types ({_first_line(error)})"
                        )
                    if written is not None:
                        written.result()  # one batch in writing at a time; its error is ours
                    written = thread.submit(writer.write_table, table)
                    rows += batch.num_rows
                if written is not None:
                    written.result()
        finally:
            if written is not None:
                written.cancel()
                # An error above leaves the thread's last write to finish before the close.
                with contextlib.suppress(BaseException):
                    written.result()
            writer.close()
        footer = file.metadata.num_rows
        if rows != footer:
            self._fail(f"holds {rows:,} rows where its footer says {footer:,}")
        if rows == 0:
            self._fail("has no rows")
        return ParquetChecked(rows=rows, bytes_written=sink.tell())

    # -- structure ---------------------------------------------------------------------------

    def _open(self, path: Path) -> pq.ParquetFile:
        try:
            return pq.ParquetFile(path, buffer_size=_READ_BUFFER, pre_buffer=False)
        except (pa.ArrowException, OSError) as error:
            self._fail(f"is not a readable parquet file ({_first_line(error)})")

    def _match_columns(self, schema: pa.Schema) -> dict[str, str]:
        """Registry name -> the file's column name, for the columns the file has."""
        names = schema.names
        if _COORDINATES & {n.casefold() for n in names}:
            why = self.taxi.parquet_first_reason or "files without taxi zones are not supported"
            self._fail(f"locates trips by longitude and latitude, not by taxi zone: {why}")
        columns = self.taxi.parquet_columns
        unknown = [n for n in names if not any(c.matches(n) for c in columns)]
        if unknown:
            self._fail(
                f"has columns the {self.taxi.name} registry does not know: {_names(unknown)} "
                "(loader/taxis.py)"
            )
        mapping: dict[str, str] = {}
        for column in columns:
            found = [n for n in names if column.matches(n)]
            if len(found) > 1:
                self._fail(f"has the column {column.name} twice: {_names(found)}")
            if found:
                mapping[column.name] = found[0]
        optional = {c.name for c in self.taxi.parquet_only}
        missing = [c.name for c in columns if c.name not in mapping and c.name not in optional]
        if missing:
            self._fail(
                f"is not a {self.taxi.name} trip file: missing columns {_names(missing)} "
                f"(is it a {self.taxi.name} file?)"
            )
        for column in columns:
            if column.name in mapping:
                self._check_type(column, schema.field(mapping[column.name]).type)
        return mapping

    def _check_type(self, column: Column, data_type: pa.DataType) -> None:
        kind = column.type
        numeric = pa.types.is_integer(data_type) or pa.types.is_floating(data_type)
        if isinstance(kind, Integer):
            fits = numeric
        elif isinstance(kind, Decimal):
            fits = numeric or pa.types.is_decimal(data_type)
        elif isinstance(kind, Timestamp):
            fits = pa.types.is_timestamp(data_type) and data_type.tz is None
        else:
            fits = pa.types.is_string(data_type) or pa.types.is_large_string(data_type)
        if not fits and not pa.types.is_null(data_type):
            self._fail(f"column {column.name} is {data_type}, not {kind.describe()}")

    def _batches(self, file: pq.ParquetFile, mapping: dict[str, str]) -> Iterator[pa.RecordBatch]:
        try:
            yield from file.iter_batches(
                batch_size=BATCH_ROWS, columns=list(mapping.values()), use_threads=False
            )
        except (pa.ArrowException, OSError) as error:
            self._fail(f"cannot be read to the end ({_first_line(error)})")

    # -- values ------------------------------------------------------------------------------

    def _canonical(
        self, batch: pa.RecordBatch, mapping: dict[str, str], schema: pa.Schema, offset: int
    ) -> pa.Table:
        arrays = []
        for column in self.taxi.parquet_columns:
            target = schema.field(column.name).type
            if column.name not in mapping:
                arrays.append(pa.nulls(batch.num_rows, target))
                continue
            values = batch.column(mapping[column.name])
            arrays.append(self._value_check(column, values, target, offset))
        return pa.Table.from_arrays(arrays, schema=schema)

    def _value_check(
        self, column: Column, values: pa.Array, target: pa.DataType, offset: int
    ) -> pa.Array:
        if pa.types.is_null(values.type):
            values = pa.nulls(len(values), target)
        if not column.nullable and values.null_count:
            self._bad(column, values, pc.is_null(values), offset, "is empty (NULL)")
        kind = column.type
        if isinstance(kind, Integer) and pa.types.is_floating(values.type):
            whole = pc.equal(values, pc.floor(values))
            inside = pc.and_(
                pc.greater_equal(values, float(_INT64[0])), pc.less(values, float(_INT64[1]))
            )
            self._bad(column, values, pc.invert(pc.and_(whole, inside)), offset, "not an integer")
        if isinstance(kind, Integer) and pa.types.is_unsigned_integer(values.type):
            beyond = pc.greater(values, pa.scalar(_INT64[1], values.type))
            self._bad(column, values, beyond, offset, "too large")
        if isinstance(kind, Decimal):
            return self._decimal(column, kind, values, target, offset)
        if isinstance(kind, Text):
            self._text(column, kind, values, offset)
        if isinstance(kind, Timestamp) and values.type.unit != "ns":
            self._years(column, values, offset)
        try:
            return values.cast(target)  # safe: anything the checks above missed fails here
        except pa.ArrowInvalid as error:
            if isinstance(kind, Timestamp):  # a nanosecond microseconds cannot hold: its row
                self._nanoseconds(column, values, offset)
            self._fail(f"column {column.name}: {_first_line(error)}")

    def _text(self, column: Column, kind: Text, values: pa.Array, offset: int) -> None:
        """Valid UTF-8 (Arrow does not check what a parquet file calls a string), no control
        characters, within the length: what the CSV door asks of the same column."""
        try:
            values.validate(full=True)
        except pa.ArrowInvalid:
            binary = pa.large_binary() if pa.types.is_large_string(values.type) else pa.binary()
            for index, raw in enumerate(values.view(binary).to_pylist()):  # the failure only
                try:
                    (raw or b"").decode("utf-8")
                except UnicodeDecodeError:
                    shown = repr(raw[:_SHOWN])
                    self._fail(f"row {offset + index + 1}, {column.name}: {shown} is not UTF-8")
        control = pc.match_substring_regex(values, "[\\x00-\\x1f\\x7f]")
        self._bad(column, values, control, offset, "holds a control character")
        too_long = pc.greater(pc.utf8_length(values), kind.max_length)
        self._bad(column, values, too_long, offset, f"longer than {kind.max_length} characters")

    def _years(self, column: Column, values: pa.Array, offset: int) -> None:
        """Within years 1 to 9999 (BigQuery's range); nanoseconds always are."""
        low = pa.scalar(_FIRST_MOMENT, pa.timestamp("s")).cast(values.type)
        high = pa.scalar(_LAST_SECOND, pa.timestamp("s")).cast(values.type)
        outside = pc.or_(pc.less(values, low), pc.greater_equal(values, high))
        self._bad(column, values, outside, offset, "is outside the years 1 to 9999")

    def _nanoseconds(self, column: Column, values: pa.Array, offset: int) -> None:
        ticks = values.cast(pa.int64())
        rest = pc.subtract(ticks, pc.multiply(pc.divide(ticks, 1000), 1000))
        self._bad(column, values, pc.not_equal(rest, 0), offset, "has nanoseconds")

    def _decimal(
        self, column: Column, kind: Decimal, values: pa.Array, target: pa.DataType, offset: int
    ) -> pa.Array:
        limit = 10.0 ** (kind.precision - kind.scale)
        if pa.types.is_decimal(values.type):
            self._bad(
                column, values, pc.greater_equal(pc.abs(values.cast(pa.float64())), limit),
                offset, "too large",
            )  # fmt: skip
            if values.type.scale <= kind.scale:
                return values.cast(target)
        floats = values.cast(pa.float64())
        scaled = pc.multiply(floats, 10.0**kind.scale)
        minor = pc.round(scaled)  # whole minor units
        # Doubles hold cents approximately (0.29 is 0.28999...): within a millionth of a minor
        # unit is that value; more decimals than the scale is a different value.
        off = pc.greater(pc.abs(pc.subtract(scaled, minor)), 1e-6)
        large = pc.greater_equal(pc.abs(floats), limit)
        not_a_number = pc.invert(pc.is_finite(floats))
        if pc.any(pc.or_(pc.or_(not_a_number, off), large)).as_py():  # one pass when all fit
            self._bad(column, values, not_a_number, offset, "is not a number")
            self._bad(column, values, off, offset, f"has more than {kind.scale} decimals")
            self._bad(column, values, large, offset, "too large")
        return _as_decimal(pc.cast(minor, pa.int64()), target)

    def _bad(
        self, column: Column, values: pa.Array, mask: pa.Array, offset: int, problem: str
    ) -> None:
        mask = pc.fill_null(mask, False)
        if not pc.any(mask).as_py():
            return
        index = pc.index(mask, True).as_py()
        shown = _shown(values.slice(index, 1))
        self._fail(f"row {offset + index + 1}, {column.name}: {shown} {problem}")

    def _fail(self, problem: str):
        raise ValidationError(f"{self.name}: the file {problem}")


def _as_decimal(minor: pa.Array, target: pa.DataType) -> pa.Array:
    """Whole minor units (int64) as the decimal they are the unscaled value of: the same
    integers sign-extended to 128 bits, no arithmetic (half the cost of a cast from double)."""
    low = minor.fill_null(0).to_numpy()
    wide = np.empty((len(low), 2), dtype=np.int64)
    wide[:, 0] = low
    wide[:, 1] = low >> 63
    validity = minor.buffers()[0] if minor.null_count else None
    return pa.Array.from_buffers(
        target, len(minor), [validity, pa.py_buffer(wide)], null_count=minor.null_count
    )


def _shown(value: pa.Array) -> str:
    """One value as a message shows it, at most _SHOWN characters, whatever it holds."""
    try:
        text = repr(value[0].as_py())
    except (ValueError, OverflowError, pa.ArrowException):  # nanoseconds, the year 20000
        try:
            text = str(value.cast(pa.string())[0].as_py())
        except pa.ArrowException:
            text = f"a {value.type} value"
    return text if len(text) <= _SHOWN else text[:_SHOWN]


def _names(names: list[str]) -> str:
    shown = ", ".join(n[:40] for n in names[:5])
    return shown + (f" and {len(names) - 5} more" if len(names) > 5 else "")


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:160]
