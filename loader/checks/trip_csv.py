"""Check a trip CSV while it streams: the header, then every value of every row.

The header is matched by name (with the registry's aliases) in Python. Every row after it goes
through the value scanner (_scan.c, or its Python reference where the C module is not built)
a chunk at a time: the scanner checks the complete records of a chunk and the incomplete
tail waits for the next one, so a value cut between two chunks is never an error. A file that
fails is rejected whole with one line naming the row, the column and the value.
"""

from __future__ import annotations

import logging

from loader.checks import codes
from loader.errors import ValidationError
from loader.schema import Column, Decimal, Text, scan_spec
from loader.taxis import TaxiType

try:
    from loader.checks._scan import scan as _scan
except ImportError:  # pragma: no cover - the C module is built by `make setup`
    from loader.checks.reference import scan as _scan

    logging.getLogger(__name__).warning(
        "the C value checker (loader.checks._scan) is not built: checking in pure Python, "
        "which is slow; run `make setup` on a machine with a C compiler"
    )

scan = _scan
BOM = b"\xef\xbb\xbf"
MAX_RECORD = 1 << 20  # no real trip row comes near 1 MB; a longer one means a wrong file
_SHOWN = 40  # characters of a bad value shown in a message


class TripCsvCheck:
    """Feed decompressed bytes in any chunking, then `finish()`. Counts the data rows."""

    def __init__(self, taxi: TaxiType, name: str) -> None:
        self.taxi = taxi
        self.name = name  # e.g. "green 2021-01": the start of every message
        self.rows = 0
        self.bytes = 0
        self._spec = scan_spec(taxi.columns)
        self._header: bytes | None = None
        self._pending = b""  # what is not checked yet: the header's start, or a record's

    def feed(self, data: bytes) -> None:
        self.bytes += len(data)
        if self._header is None:
            data = self._pending + data
            newline = data.find(b"\n")
            if newline < 0:
                self._hold(data)
                return
            self._check_header(data[: newline + 1])
            self._pending = b""
            data = data[newline + 1 :]
        self._scan(self._pending + data if self._pending else data, final=False)

    def finish(self) -> None:
        if self._header is None:
            if not self._pending:
                self._fail("is empty: no header and no rows")
            self._check_header(self._pending)
            self._pending = b""
        if self._pending:
            self._scan(self._pending, final=True)
        if self.rows == 0:
            self._fail("has a header but no rows")

    def _hold(self, data: bytes) -> None:
        self._pending = data
        if len(data) > MAX_RECORD:
            where = "the header" if self._header is None else f"row {self.rows + 1}"
            self._fail(f"{where} is longer than 1 MB: not a trip CSV")

    def _scan(self, data: bytes, *, final: bool) -> None:
        consumed, rows, error = scan(data, self._spec, final)
        if error is not None:
            self._fail(self._describe(data, consumed, rows, error, final))
        self.rows += rows
        self._hold(data[consumed:])

    # -- header ------------------------------------------------------------------------------

    def _check_header(self, line: bytes) -> None:
        raw = line.rstrip(b"\r\n")
        raw = raw[len(BOM) :] if raw.startswith(BOM) else raw
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._fail("does not start with a text header: not a trip CSV")
        names = [name.strip().strip('"') for name in text.split(",")]
        columns = self.taxi.columns
        unknown = [name for name in names if not any(c.matches(name) for c in columns)]
        missing = [c.name for c in columns if not any(c.matches(name) for name in names)]
        if unknown or missing:
            parts = []
            if unknown:
                parts.append(f"unknown columns {_names(unknown)}")
            if missing:
                parts.append(f"missing columns {_names(missing)}")
            self._fail(
                f"has a header that is not a {self.taxi.name} trip header: "
                + "; ".join(parts)
                + f" (is it a {self.taxi.name} file?)"
            )
        if len(names) != len({name.casefold() for name in names}):
            folded = [name.casefold() for name in names]
            duplicated = sorted({name for name in names if folded.count(name.casefold()) > 1})
            self._fail(f"has duplicated header columns {_names(duplicated)}")
        if not all(column.matches(name) for column, name in zip(columns, names, strict=True)):
            self._fail(
                f"has the {self.taxi.name} columns in an unexpected order "
                f"({', '.join(names[:4])}, ...); BigQuery reads CSV columns by position, so "
                "the order must be the published one"
            )
        self._header = raw

    # -- messages ----------------------------------------------------------------------------

    def _describe(self, data: bytes, start: int, row_in_chunk: int, error, final: bool) -> str:
        _, column_index, value_start, value_end, code, detail = error
        row = self.rows + row_in_chunk + 1
        record = data[start : _line_end(data, start)].rstrip(b"\r")
        if record == self._header:
            return f"row {row} repeats the header (two files concatenated?)"
        if code == codes.E_BLANK:
            return f"row {row} is a blank line"
        if code == codes.E_FIELDS:
            return self._describe_fields(record, row, detail, final, data, value_end)
        if code == codes.E_UNCLOSED:
            return f"row {row} opens a quoted value that never closes"
        column = self.taxi.columns[column_index]
        value = data[value_start:value_end]
        return f"row {row}, {column.name}: {_problem(code, column, value)}"

    def _describe_fields(
        self, record: bytes, row: int, fields: int, final: bool, data: bytes, end: int
    ) -> str:
        expected = len(self.taxi.columns)
        if record.lstrip().startswith((b"<<<<<<<", b"=======", b">>>>>>>")):
            return f"row {row} is a git merge-conflict marker"
        if final and end == len(data) and fields < expected:
            return (
                f"ends with an incomplete row {row}: {fields} of {expected} fields and no "
                "final newline; the file was cut off"
            )
        return f"row {row} has {fields} fields; the header has {expected}"

    def _fail(self, problem: str) -> None:
        raise ValidationError(f"{self.name}: {problem}")


def _line_end(data: bytes, start: int) -> int:
    end = data.find(b"\n", start)
    return len(data) if end < 0 else end


def _shown(value: bytes) -> str:
    text = value.decode("utf-8", errors="replace")
    return repr(text if len(text) <= _SHOWN else text[:_SHOWN] + "...")


def _problem(code: int, column: Column, value: bytes) -> str:
    kind = column.type
    shown = _shown(value)
    if code == codes.E_NULL:
        return "is empty, and the column may not be (declared not null)"
    if code == codes.E_EMPTY_QUOTED:
        return 'is "" (quoted empty): DuckDB reads it as NULL, BigQuery as an empty string'
    if code == codes.E_QUOTE:
        return f"{shown} has a quote inside an unquoted value or text after a closing quote"
    if code == codes.E_CONTROL:
        return f"{shown} holds a control character (a stray carriage return or tab?)"
    if code == codes.E_NOT_INT:
        return f"{shown} is not an integer"
    if code == codes.E_INT_RANGE:
        return f"{shown} is out of the 64-bit integer range"
    if code == codes.E_NOT_DEC:
        return f"{shown} is not a decimal number"
    if code == codes.E_DEC_SCALE and isinstance(kind, Decimal):
        return f"{shown} has more than {kind.scale} decimals"
    if code == codes.E_DEC_PRECISION and isinstance(kind, Decimal):
        return f"{shown} has more than {kind.precision - kind.scale} digits before the point"
    if code == codes.E_NOT_TS:
        hint = " (re-saved by a spreadsheet?)" if b"/" in value else ""
        return f"{shown} is not a timestamp YYYY-MM-DD HH:MM:SS{hint}"
    if code == codes.E_TS_RANGE:
        return f"{shown} is not a real date and time"
    if code == codes.E_UTF8:
        return f"{shown} is not valid UTF-8"
    if code == codes.E_TEXT_LONG and isinstance(kind, Text):
        return f"{shown} is longer than {kind.max_length} characters"
    return f"{shown} is not {kind.describe()} (code {code})"  # pragma: no cover


def _names(names: list[str], limit: int = 8) -> str:
    shown = [name if len(name) <= 40 else name[:40] + "..." for name in names[:limit]]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(shown) + more
