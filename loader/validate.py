"""Check a trip CSV while it streams: known header, every row's field count, a complete end.

The check costs about as much as copying the bytes once: per chunk of whole lines, keep only
the separators (`bytes.translate`, C speed) and compare them with the expected pattern
`,,,...,\\n` repeated once per row. Only a chunk that fails, or that holds a double quote, is
walked line by line (to name the bad row, or to parse quoted fields properly).
"""

from __future__ import annotations

import csv
import re

from loader.errors import ValidationError
from loader.taxis import TaxiType

_KEEP = {ord(","), ord("\n")}
_DROP_ALL_BUT_SEPARATORS = bytes(b for b in range(256) if b not in _KEEP)
_BOM = b"\xef\xbb\xbf"
_MAX_LINE = 1 << 20  # no real trip row comes near 1 MB; a longer line means a wrong file
# Spreadsheets rewrite "2021-01-01 00:15:56" as "1/1/2021 0:15"; look at the first rows.
_TIMESTAMP = re.compile(rb"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,9})?")
_TIMESTAMP_ROWS_CHECKED = 1000


class TripCsvValidator:
    """Feed decompressed bytes in any chunking; `finish()` at the end. Counts data rows."""

    def __init__(self, taxi: TaxiType, name: str) -> None:
        self.taxi = taxi
        self.name = name
        self.rows = 0
        self.bytes = 0
        self._fields = len(taxi.columns)
        self._row_pattern = b"," * (self._fields - 1) + b"\n"
        self._expected = b""  # the pattern repeated, grown on demand, compared without copies
        self._pending = b""  # the last, incomplete line of what was fed so far
        self._open_record = b""  # a quoted record that spans lines, not yet closed
        self._open_quotes = 0  # 1 while inside a quoted field that spans lines
        self._header_seen = False
        self._timestamp_columns: list[int] = []
        self._timestamp_rows_left = _TIMESTAMP_ROWS_CHECKED

    def feed(self, data: bytes) -> None:
        self.bytes += len(data)
        if not self._header_seen:
            newline = data.find(b"\n")
            if newline < 0:
                self._hold(data)
                return
            self._check_header(self._pending + data[: newline + 1])
            self._pending = b""
            data = data[newline + 1 :]
        end = data.rfind(b"\n")
        if end < 0:
            self._hold(data)
            return
        if self._timestamp_rows_left:
            self._check_timestamps(self._pending + data[: end + 1])
        if self._open_record or b'"' in data or b'"' in self._pending:
            self._check_rows_slowly(self._pending + data[: end + 1], last_row_unterminated=False)
        elif not self._separators_match(data):
            # Walk the lines only now, to name the first bad row.
            self._check_rows_slowly(self._pending + data[: end + 1], last_row_unterminated=False)
            raise AssertionError("unreachable: the slow check must fail")  # pragma: no cover
        self._pending = data[end + 1 :]

    def _separators_match(self, data: bytes) -> bool:
        """Fast path: the commas and newlines of every complete line follow the pattern.

        The partial line carried from the previous chunk contributes its commas to the first
        line; everything after the chunk's last newline is carried to the next one.
        """
        carried = self._pending.count(b",")
        if carried >= self._fields:
            return False
        separators = data.translate(None, _DROP_ALL_BUT_SEPARATORS)
        complete = separators.rfind(b"\n") + 1
        total = carried + complete
        if total % len(self._row_pattern):
            return False
        if len(self._expected) < total:
            self._expected = self._row_pattern * (2 * total // len(self._row_pattern) + 1)
        view = memoryview(separators)[:complete]
        if view != memoryview(self._expected)[carried:total]:
            return False
        self.rows += total // len(self._row_pattern)
        return True

    def _hold(self, data: bytes) -> None:
        self._pending += data
        if len(self._pending) > _MAX_LINE:
            self._fail(f"line {self._line_number()} is longer than 1 MB: not a trip CSV")

    def finish(self) -> None:
        if self._pending:
            if not self._header_seen:
                self._check_header(self._pending)
            else:
                # The file ends without a newline: the last row must still be whole.
                if self._timestamp_rows_left:
                    self._check_timestamps(self._pending)
                self._check_rows_slowly(self._pending + b"\n", last_row_unterminated=True)
            self._pending = b""
        if self._open_record:
            self._fail(f"row {self.rows + 1} opens a quoted field that never closes")
        if not self._header_seen:
            self._fail("is empty: no header and no rows")
        if self.rows == 0:
            self._fail("has a header but no rows")

    # -- header ------------------------------------------------------------------------------

    def _check_header(self, line: bytes) -> None:
        self._header_seen = True
        raw = line.rstrip(b"\r\n")
        if raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self._fail("does not start with a text header: not a trip CSV")
        names = [name.strip().strip('"') for name in text.split(",")]
        expected = list(self.taxi.columns)
        unknown = [name for name in names if name not in expected]
        missing = [name for name in expected if name not in names]
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
        if len(names) != len(set(names)):
            duplicated = sorted({name for name in names if names.count(name) > 1})
            self._fail(f"has duplicated header columns {_names(duplicated)}")
        if names != expected:
            self._fail(
                f"has the {self.taxi.name} columns in an unexpected order "
                f"({', '.join(names[:4])}, ...); BigQuery external tables read CSV columns "
                "by position, so the order must be the published one"
            )
        self._timestamp_columns = [
            names.index(self.taxi.pickup_column),
            names.index(self.taxi.dropoff_column),
        ]

    # -- rows --------------------------------------------------------------------------------

    def _check_rows_slowly(self, block: bytes, last_row_unterminated: bool) -> None:
        """Line by line: parse quoted fields properly and name the first bad row."""
        lines = block.split(b"\n")[:-1]  # block ends with \n
        for index, line in enumerate(lines):
            record = self._open_record + line
            # Parity of the quotes so far: only the new line's are counted.
            self._open_quotes = (self._open_quotes + line.count(b'"')) % 2
            if self._open_quotes:  # a quoted field continues on the next line
                if len(record) > _MAX_LINE:
                    self._fail(
                        f"row {self.rows + 1} opens a quoted field that runs past 1 MB: "
                        "an unbalanced quote"
                    )
                self._open_record = record + b"\n"
                continue
            self._open_record = b""
            fields = self._count_fields(record)
            if fields != self._fields:
                self._fail_row(record, fields, last_row_unterminated and index == len(lines) - 1)
            self.rows += 1

    def _count_fields(self, record: bytes) -> int:
        record = record.rstrip(b"\r")
        if not record:
            return 0
        if b'"' not in record:
            return record.count(b",") + 1
        text = record.decode("utf-8", errors="replace")
        return len(next(csv.reader([text])))

    def _check_timestamps(self, block: bytes) -> None:
        lines = block.split(b"\n", self._timestamp_rows_left)[: self._timestamp_rows_left]
        for offset, line in enumerate(lines):
            if not line or b'"' in line:
                continue
            fields = line.rstrip(b"\r").split(b",")
            if len(fields) != self._fields:
                continue  # the field-count check reports it
            for column in self._timestamp_columns:
                value = fields[column]
                if value and not _TIMESTAMP.fullmatch(value):
                    shown = value[:40].decode("utf-8", errors="replace")
                    self._fail(
                        f"row {self.rows + offset + 1}: {self.taxi.columns[column]} is "
                        f"{shown!r}, not YYYY-MM-DD HH:MM:SS (re-saved by a spreadsheet?)"
                    )
        self._timestamp_rows_left -= min(len(lines), self._timestamp_rows_left)

    def _fail_row(self, record: bytes, fields: int, unterminated: bool) -> None:
        row = self.rows + 1
        if fields == 0:
            self._fail(f"row {row} (line {row + 1}) is blank")
        if unterminated and fields < self._fields:
            self._fail(
                f"ends with an incomplete row {row} (line {row + 1}): {fields} of "
                f"{self._fields} fields and no final newline; the file was cut off"
            )
        if record.lstrip().startswith((b"<<<<<<<", b"=======", b">>>>>>>")):
            self._fail(f"row {row} (line {row + 1}) is a git merge-conflict marker")
        self._fail(f"row {row} (line {row + 1}) has {fields} fields; the header has {self._fields}")

    def _line_number(self) -> int:
        return self.rows + 2 if self._header_seen else 1

    def _fail(self, problem: str) -> None:
        raise ValidationError(f"{self.name} {problem}")


def _names(names: list[str], limit: int = 8) -> str:
    shown = [name if len(name) <= 40 else name[:40] + "..." for name in names[:limit]]
    more = f" and {len(names) - limit} more" if len(names) > limit else ""
    return ", ".join(shown) + more
