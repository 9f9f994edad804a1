"""The door's value rules: per type at the boundaries, and the C scanner against its reference.

Every case runs through the C module (with and without its fast paths) and through the Python
reference; a seeded fuzzer then throws mixed good and bad records, cut into random chunks, at
all three and requires the same answer: rows, and the first error's row, column, byte range
and code.
"""

from __future__ import annotations

import os
import random

import pytest
from loader.checks._scan import scan as c_scan

from loader.checks import codes, reference
from loader.schema import Column, Decimal, Integer, Text, Timestamp, scan_spec


def c_fast(data, spec, final):
    return c_scan(data, spec, final, True)


def c_general(data, spec, final):
    return c_scan(data, spec, final, False)


SCANNERS = {"c-fast": c_fast, "c-general": c_general, "reference": reference.scan}


def one(kind, nullable=True) -> bytes:
    return scan_spec((Column("x", kind, "", nullable=nullable),))


@pytest.fixture(params=sorted(SCANNERS))
def scanner(request):
    return SCANNERS[request.param]


def code_of(scanner, value: bytes, kind, nullable=True) -> int:
    consumed, rows, error = scanner(value + b"\n", one(kind, nullable), True)
    if error is None:
        assert (consumed, rows) == (len(value) + 1, 1)
        return codes.E_OK
    return error[4]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (b"0", codes.E_OK),
        (b"-5", codes.E_OK),
        (b"007", codes.E_OK),
        (b"1.0", codes.E_OK),  # some releases write integer columns so
        (b"1.000", codes.E_OK),
        (b"9223372036854775807", codes.E_OK),
        (b"-9223372036854775808", codes.E_OK),
        (b"00009223372036854775807", codes.E_OK),
        (b"9223372036854775808", codes.E_INT_RANGE),
        (b"-9223372036854775809", codes.E_INT_RANGE),
        (b"99999999999999999999", codes.E_INT_RANGE),
        (b"1.5", codes.E_NOT_INT),
        (b"1.", codes.E_NOT_INT),
        (b"abc", codes.E_NOT_INT),
        (b"+1", codes.E_NOT_INT),
        (b" 1", codes.E_NOT_INT),
        (b"1e3", codes.E_NOT_INT),
        (b"-", codes.E_NOT_INT),
        (b"\xff", codes.E_NOT_INT),
    ],
)
def test_integers(scanner, value, code):
    assert code_of(scanner, value, Integer()) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (b".61", codes.E_OK),
        (b"-0.5", codes.E_OK),
        (b"-.5", codes.E_OK),
        (b"6.80", codes.E_OK),
        (b"2.500", codes.E_OK),  # trailing zeros are not decimals
        (b"0000000000000000000001.5", codes.E_OK),
        (b"9999999999999999.99", codes.E_OK),
        (b"10000000000000000", codes.E_DEC_PRECISION),
        (b"1.234", codes.E_DEC_SCALE),
        (b"1.", codes.E_NOT_DEC),
        (b".", codes.E_NOT_DEC),
        (b"-", codes.E_NOT_DEC),
        (b"1e2", codes.E_NOT_DEC),
        (b"1,5", None),  # a comma is a separator: two fields
        (b"abc", codes.E_NOT_DEC),
        (b"NaN", codes.E_NOT_DEC),
    ],
)
def test_decimals(scanner, value, code):
    if code is None:
        assert code_of(scanner, value, Decimal(18, 2)) == codes.E_FIELDS
    else:
        assert code_of(scanner, value, Decimal(18, 2)) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (b"2021-01-01 00:15:56", codes.E_OK),
        (b"2020-02-29 23:59:59", codes.E_OK),
        (b"2000-02-29 00:00:00", codes.E_OK),
        (b"2021-01-31 00:00:00", codes.E_OK),
        (b"2021-01-01 00:15:56.5", codes.E_OK),
        (b"2021-01-01 00:15:56.123456", codes.E_OK),
        (b"2008-12-31 23:59:59", codes.E_OK),
        (b"2021-02-29 00:00:00", codes.E_TS_RANGE),
        (b"1900-02-29 00:00:00", codes.E_TS_RANGE),
        (b"2021-02-30 25:61:00", codes.E_TS_RANGE),
        (b"2021-04-31 10:00:00", codes.E_TS_RANGE),
        (b"2021-13-01 10:00:00", codes.E_TS_RANGE),
        (b"2021-01-00 10:00:00", codes.E_TS_RANGE),
        (b"2021-01-01 24:00:00", codes.E_TS_RANGE),
        (b"2021-01-01 23:59:60", codes.E_TS_RANGE),
        (b"0000-01-01 00:00:00", codes.E_TS_RANGE),
        (b"2021-01-01T00:15:56", codes.E_NOT_TS),
        (b"2021-01-01", codes.E_NOT_TS),
        (b"2021-01-01 00:15", codes.E_NOT_TS),
        (b"2021-01-01 00:15:56.", codes.E_NOT_TS),
        (b"2021-01-01 00:15:56.1234567", codes.E_NOT_TS),
        (b"2021-01-01 00:15:56Z", codes.E_NOT_TS),
        (b"2021-01-01 00:15:56+01:00", codes.E_NOT_TS),
        (b"1/1/2021 0:30", codes.E_NOT_TS),
    ],
)
def test_timestamps(scanner, value, code):
    assert code_of(scanner, value, Timestamp()) == code


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (b"N", codes.E_OK),
        (b"\xc3\xa9", codes.E_OK),  # one character in two bytes
        (b"NN", codes.E_TEXT_LONG),
        (b"\xff", codes.E_UTF8),
        (b"\xc3", codes.E_UTF8),
        (b"\xc0\xaf", codes.E_UTF8),  # overlong
        (b"\xed\xa0\x80", codes.E_UTF8),  # a surrogate
        (b"\xf4\x90\x80\x80", codes.E_UTF8),  # above U+10FFFF
        (b"a\tb", codes.E_CONTROL),
        (b"a\rb", codes.E_CONTROL),
        (b'a"b', codes.E_QUOTE),
        (b'"Y"', codes.E_OK),
        (b'""', codes.E_EMPTY_QUOTED),
    ],
)
def test_text(scanner, value, code):
    assert code_of(scanner, value, Text(1)) == code


def test_nulls(scanner):
    def empty_first(kind, nullable):
        spec = scan_spec((Column("x", kind, "", nullable=nullable), Column("y", Integer(), "")))
        error = scanner(b",1\n", spec, True)[2]
        return codes.E_OK if error is None else error[4]

    assert empty_first(Integer(), True) == codes.E_OK
    assert empty_first(Integer(), False) == codes.E_NULL
    assert empty_first(Timestamp(), False) == codes.E_NULL
    assert empty_first(Text(1), False) == codes.E_NULL


SPEC = scan_spec(
    (
        Column("a", Integer(), ""),
        Column("b", Decimal(18, 2), ""),
        Column("c", Timestamp(), "", nullable=False),
        Column("d", Text(3), ""),
    )
)


@pytest.mark.parametrize(
    ("data", "final", "expected"),
    [
        (b"1,2.5,2021-01-01 00:00:00,N\n", True, (28, 1, None)),
        (b"1,2.5,2021-01-01 00:00:00,N\r\n", True, (29, 1, None)),
        (b"1,2.5,2021-01-01 00:00:00,N", True, (27, 1, None)),  # no final newline
        (b"1,2.5,2021-01-01 00:00:00,N", False, (0, 0, None)),  # waits for the rest
        (b"1,2.5,2021-01-01 00:0", False, (0, 0, None)),  # a cut value is not an error
        (b'1,2.5,2021-01-01 00:00:00,"a\nb"\n', True, (32, 1, None)),  # quoted newline
        (b'1,2.5,2021-01-01 00:00:00,"a', False, (0, 0, None)),
        (b"\n", True, (0, 0, (0, -1, 0, 0, codes.E_BLANK, 0))),
        (b"\r\n", True, (0, 0, (0, -1, 0, 1, codes.E_BLANK, 0))),
        (b"1,2\n", True, (0, 0, (0, -1, 0, 3, codes.E_FIELDS, 2))),
        (b"1,2.5,2021-01-01 00:00:00,N,\n", True, (0, 0, (0, -1, 0, 28, codes.E_FIELDS, 5))),
        (b"1,x,,N\n", True, (0, 0, (0, 1, 2, 3, codes.E_NOT_DEC, 0))),  # the first bad value
        (b'1,2.5,2021-01-01 00:00:00,"a', True, (0, 0, (0, 3, 26, 28, codes.E_UNCLOSED, 0))),
        (b'1,2.5,2021-01-01 00:00:00,"a"b\n', True, (0, 0, (0, 3, 27, 30, codes.E_QUOTE, 0))),
    ],
)
def test_records(scanner, data, final, expected):
    assert scanner(data, SPEC, final) == expected


def test_spec_is_checked(scanner):
    with pytest.raises(ValueError):
        scanner(b"1\n", b"i\x01\x00", True)
    with pytest.raises(ValueError):
        scanner(b"1\n", b"q\x01\x00\x00\x00\x00", True)


# -- the fuzzer ------------------------------------------------------------------------------

GOOD = {
    "i": [b"1", b"-42", b"0", b"2.0", b"", b"9223372036854775807"],
    "d": [b".61", b"-0.5", b"10", b"2.50", b"", b"9999999999999999.99"],
    "t": [b"2021-01-01 00:15:56", b"2020-02-29 23:59:59", b"2021-01-31 12:00:00.5"],
    "s": [b"N", b"Y", b"", b"\xc3\xa9"],
}
BAD = [
    b"abc", b"1.5", b"1e3", b"-", b".", b"1.", b"+1", b"2021-02-30 00:00:00",
    b"2021-01-01T00:00:00", b"1/1/2021 0:30", b"\xff", b"\xc3", b"a\tb", b'a"b', b'""',
    b'"1"', b'"a,b"', b'"x""y"', b'"\n"', b"\r", b"NN", b"99999999999999999999",
    b"10000000000000000", b"1.234", b"2021-01-01 00:15:56.1234567",
]  # fmt: skip
KINDS = ("i", "d", "t", "s")
FUZZ_SPEC = scan_spec(
    tuple(
        Column(f"c{i}", kind, "", nullable=i != 2)
        for i, kind in enumerate((Integer(), Decimal(18, 2), Timestamp(), Text(1), Integer()))
    )
)
FUZZ_KINDS = ("i", "d", "t", "s", "i")
FUZZ_SEEDS = int(os.environ.get("FUZZ_SEEDS", "40"))  # FUZZ_SEEDS=3000 for a long run


def random_record(rng: random.Random) -> bytes:
    fields = [rng.choice(GOOD[kind]) for kind in FUZZ_KINDS]
    roll = rng.random()
    if roll < 0.15:
        fields[rng.randrange(len(fields))] = rng.choice(BAD)
    elif roll < 0.18:
        fields.append(rng.choice(GOOD["i"]))  # one field too many
    elif roll < 0.21:
        fields.pop()
    elif roll < 0.23:
        return rng.choice([b"\n", b"\r\n"])
    line = b",".join(fields)
    if rng.random() < 0.05:
        line = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 12)))
    return line + rng.choice([b"\n", b"\n", b"\r\n"])


def stream(scanner, data: bytes, cuts: list[int]):
    """Feed `data` cut at `cuts` the way TripCsvCheck does; absolute offsets in the answer."""
    base, pending, rows = 0, b"", 0
    pieces = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
    for index, piece in enumerate(pieces):
        buffer = pending + piece
        final = index == len(pieces) - 1
        consumed, got, error = scanner(buffer, FUZZ_SPEC, final)
        if error is not None:
            row, column, start, end, code, detail = error
            return rows + got, (rows + row, column, base + start, base + end, code, detail)
        rows += got
        base += consumed
        pending = buffer[consumed:]
    return rows, None


@pytest.mark.parametrize("seed", range(FUZZ_SEEDS))
def test_c_and_reference_agree_on_random_input(seed):
    rng = random.Random(seed)
    records = [random_record(rng) for _ in range(rng.randrange(1, 60))]
    data = b"".join(records)
    if rng.random() < 0.3:
        data = data.rstrip(b"\r\n")  # no final newline
    cuts = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randrange(0, 8))))
    answers = {name: stream(scanner, data, cuts) for name, scanner in SCANNERS.items()}
    whole = {name: stream(scanner, data, []) for name, scanner in SCANNERS.items()}
    assert len(set(answers.values()) | set(whole.values())) == 1, (data, cuts, answers, whole)
