"""The value rules of the door in plain Python: the same contract as the C scanner (_scan.c).

Slow (a few MB/s), so it runs only where the C module is not built, and in the tests, which
check that both give the same answer on every input they generate. Read it as the
specification: loader/schema.py says why each rule is what it is.
"""

from __future__ import annotations

import re
import struct

from loader.checks.codes import (
    E_BLANK,
    E_CONTROL,
    E_DEC_PRECISION,
    E_DEC_SCALE,
    E_EMPTY_QUOTED,
    E_FIELDS,
    E_INT_RANGE,
    E_NOT_DEC,
    E_NOT_INT,
    E_NOT_TS,
    E_NULL,
    E_OK,
    E_QUOTE,
    E_TEXT_LONG,
    E_TS_RANGE,
    E_UNCLOSED,
    E_UTF8,
)

ScanError = tuple[int, int, int, int, int, int]  # row, column, start, end, code, detail

_INTEGER = re.compile(rb"-?([0-9]+)(\.0+)?")
_DECIMAL = re.compile(rb"-?([0-9]*)(?:\.([0-9]+))?")
_TIMESTAMP = re.compile(rb"([0-9]{4})-([0-9]{2})-([0-9]{2}) ([0-9]{2}):([0-9]{2}):([0-9]{2})")
_FRACTION = re.compile(rb"\.[0-9]{1,6}")
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_INT64_MAX = 2**63 - 1


def _columns(spec: bytes) -> list[tuple[str, bool, int, int]]:
    if len(spec) % 6 or not 1 <= len(spec) // 6 <= 256:
        raise ValueError("spec must hold 6 bytes per column (1 to 256)")
    columns = []
    for offset in range(0, len(spec), 6):
        kind = chr(spec[offset])
        nullable, first, second = struct.unpack_from("<BHH", spec, offset + 1)
        if kind not in "idts":
            raise ValueError(f"column {offset // 6} has an unknown kind")
        columns.append((kind, bool(nullable), first, second))
    return columns


def check_integer(value: bytes) -> int:
    match = _INTEGER.fullmatch(value)
    if match is None:
        return E_NOT_INT
    magnitude = int(match.group(1))
    limit = _INT64_MAX + 1 if value.startswith(b"-") else _INT64_MAX
    return E_INT_RANGE if magnitude > limit else E_OK


def check_decimal(value: bytes, precision: int, scale: int) -> int:
    match = _DECIMAL.fullmatch(value)
    if match is None or (match.group(1) == b"" and match.group(2) is None):
        return E_NOT_DEC
    whole, fraction = match.group(1).lstrip(b"0"), (match.group(2) or b"").rstrip(b"0")
    if len(fraction) > scale:
        return E_DEC_SCALE
    if len(whole) > precision - scale:
        return E_DEC_PRECISION
    return E_OK


def check_timestamp(value: bytes) -> int:
    match = _TIMESTAMP.match(value)
    if match is None or (len(value) > 19 and not _FRACTION.fullmatch(value, 19)):
        return E_NOT_TS
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    if year < 1 or not 1 <= month <= 12 or day < 1:
        return E_TS_RANGE
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = _DAYS[month - 1] + (1 if month == 2 and leap else 0)
    if day > days or hour > 23 or minute > 59 or second > 59:
        return E_TS_RANGE
    return E_OK


def check_text(value: bytes, quoted: bool, max_length: int) -> int:
    for byte in value:
        if (byte < 0x20 or byte == 0x7F) and not (quoted and byte in (0x0A, 0x0D)):
            # Control characters come before UTF-8 trouble only if they come first: find
            # which comes first, as the C code walks left to right.
            return _first_text_problem(value, quoted)
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return _first_text_problem(value, quoted)
    length = len(text) - (text.count('""') if quoted else 0)
    return E_TEXT_LONG if max_length and length > max_length else E_OK


def _first_text_problem(value: bytes, quoted: bool) -> int:
    """Walk left to right like the C code: the first control byte or bad UTF-8 sequence."""
    index = 0
    while index < len(value):
        byte = value[index]
        if byte < 0x80:
            if (byte < 0x20 or byte == 0x7F) and not (quoted and byte in (0x0A, 0x0D)):
                return E_CONTROL
            index += 1
            continue
        if 0xC2 <= byte <= 0xDF:
            extra = 1
        elif 0xE0 <= byte <= 0xEF:
            extra = 2
        elif 0xF0 <= byte <= 0xF4:
            extra = 3
        else:
            return E_UTF8
        try:
            value[index : index + extra + 1].decode("utf-8")
        except UnicodeDecodeError:
            return E_UTF8
        index += extra + 1
    return E_OK


def check_value(value: bytes, column: tuple[str, bool, int, int], quoted: bool) -> int:
    kind, nullable, first, second = column
    if not value:
        if quoted:
            return E_EMPTY_QUOTED
        return E_OK if nullable else E_NULL
    if kind == "i":
        return E_NOT_INT if quoted and b'"' in value else check_integer(value)
    if kind == "d":
        return E_NOT_DEC if quoted and b'"' in value else check_decimal(value, first, second)
    if kind == "t":
        return check_timestamp(value)
    return check_text(value, quoted, first)


_SPECIAL = frozenset([*range(0x20), ord(","), ord('"'), 0x7F])


def scan(
    data: bytes, spec: bytes, final: bool, fast: bool = True
) -> tuple[int, int, ScanError | None]:
    """Check the complete records of `data`; see _scan.c for the contract."""
    del fast  # the C module's switch; one path here
    columns = _columns(spec)
    n = len(data)
    pos = 0
    rows = 0
    while pos < n:
        record = pos
        code, bad = E_OK, (0, 0, 0)
        fields = 0
        if data[pos] == 0x0A or (data[pos] == 0x0D and pos + 1 < n and data[pos + 1] == 0x0A):
            return (
                record,
                rows,
                (rows, -1, record, pos if data[pos] == 0x0A else pos + 1, E_BLANK, 0),
            )
        while True:
            quoted = False
            field_code = E_OK
            if pos < n and data[pos] == 0x22:
                quoted = True
                p = pos + 1
                close = -1
                while True:
                    at = data.find(b'"', p)
                    if at < 0:
                        break
                    if at + 1 < n and data[at + 1] == 0x22:
                        p = at + 2
                        continue
                    if at + 1 >= n and not final:
                        break
                    close = at
                    break
                if close < 0:
                    if not final:
                        return record, rows, None
                    return record, rows, (rows, fields, pos, n, E_UNCLOSED, 0)
                start, end, following = pos + 1, close, close + 1
                if following < n and data[following] == 0x0D and following + 1 >= n and not final:
                    return record, rows, None
                if (
                    following < n
                    and data[following] not in (0x2C, 0x0A)
                    and not (
                        data[following] == 0x0D
                        and (following + 1 >= n or data[following + 1] == 0x0A)
                    )
                ):
                    field_code = E_QUOTE
                    while following < n and data[following] not in (0x2C, 0x0A):
                        following += 1
                    if following >= n and not final:
                        return record, rows, None
                    end = following
            else:
                p = pos
                while True:
                    while p < n and data[p] not in _SPECIAL:
                        p += 1
                    if p >= n:
                        break
                    byte = data[p]
                    if byte in (0x2C, 0x0A):
                        break
                    if byte == 0x0D:
                        if p + 1 < n and data[p + 1] == 0x0A:
                            break
                        if p + 1 >= n:
                            if not final:
                                return record, rows, None
                            break
                    if field_code == E_OK:
                        field_code = E_QUOTE if byte == 0x22 else E_CONTROL
                    p += 1
                if p >= n and not final:
                    return record, rows, None
                start, end, following = pos, p, p
            if fields < len(columns):
                if field_code == E_OK:
                    field_code = check_value(data[start:end], columns[fields], quoted)
                if field_code != E_OK and code == E_OK:
                    code, bad = field_code, (fields, start, end)
            fields += 1
            if following >= n:
                pos = n
                break
            if data[following] == 0x2C:
                pos = following + 1
                continue
            if data[following] == 0x0D:
                following += 1
            pos = following + 1 if following < n else n
            break
        if fields != len(columns):
            end = pos
            while end > record and data[end - 1] in (0x0A, 0x0D):
                end -= 1
            return record, rows, (rows, -1, record, end, E_FIELDS, fields)
        if code != E_OK:
            return record, rows, (rows, bad[0], bad[1], bad[2], code, 0)
        rows += 1
    return pos, rows, None
