"""The door: every value checked before it lands, with the rules both warehouses apply.

Real rows (green 2021-01 from ../shared), each case damaged in one way. For each, the loader's
check and DuckDB's typed read_csv (the options the dbt sources use) must agree where DuckDB
refuses; where DuckDB reads a value that BigQuery refuses or reads differently, the door
refuses it too (and the case says why). Then, end to end: each damaged file of the issue is
refused by `load` with one line naming the row, the column and the value, nothing lands, and
a good month loaded afterwards still merges. Last, a landed file made unreadable behind the
loader's back leaves every other file merged and `status` says `unreadable`.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import duckdb
import pytest

from loader.checks import TripCsvCheck
from loader.errors import ValidationError
from loader.taxis import GREEN
from tests.conftest import GREEN_ROWS
from tests.e2e.test_bad_input import one_line_error
from tests.support.http_server import serve_folder

SHARED_MONTH = "green/green_tripdata_2021-01.csv.gz"


@pytest.fixture(scope="module")
def real_rows(shared_tlc: Path) -> tuple[bytes, list[bytes]]:
    lines = gzip.decompress((shared_tlc / SHARED_MONTH).read_bytes()).split(b"\r\n")
    return lines[0], lines[1:-1]


def csv(header: bytes, rows: list[bytes]) -> bytes:
    return b"\r\n".join([header, *rows]) + b"\r\n"


def mutated(real_rows, column: str, value: bytes, row: int = 0, rows: int | None = 50) -> bytes:
    """The first `rows` real rows (all with None), one value of one row replaced."""
    header, body = real_rows
    fields = body[row].split(b",")
    fields[GREEN.column_names.index(column)] = value
    damaged = [*body[:row], b",".join(fields), *body[row + 1 : rows]]
    return csv(header, damaged)


def concatenated(real_rows) -> bytes:
    header, body = real_rows
    return csv(header, body[:20]) + csv(header, body[20:40])


def blank_line(real_rows) -> bytes:
    header, body = real_rows
    return csv(header, [*body[:20], b"", *body[20:40]])


# (name, build the file, does DuckDB's typed read refuse it?, what the door says)
CASES = [
    ("letters in an integer", lambda r: mutated(r, "PULocationID", b"abc"), True,
     "row 1, PULocationID: 'abc' is not an integer"),
    ("an impossible timestamp",
     lambda r: mutated(r, "lpep_pickup_datetime", b"2021-02-30 25:61:00"), True,
     "row 1, lpep_pickup_datetime: '2021-02-30 25:61:00' is not a real date and time"),
    ("an integer too large", lambda r: mutated(r, "passenger_count", b"99999999999999999999", 3),
     True, "row 4, passenger_count: '99999999999999999999' is out of the 64-bit integer range"),
    ("a decimal too large", lambda r: mutated(r, "fare_amount", b"12345678901234567", 7), True,
     "row 8, fare_amount: '12345678901234567' has more than 16 digits before the point"),
    ("a byte that is not UTF-8", lambda r: mutated(r, "store_and_fwd_flag", b"\xff", 9), True,
     "row 10, store_and_fwd_flag: '\ufffd' is not valid UTF-8"),
    ("two files concatenated", concatenated, True,
     "row 21 repeats the header (two files concatenated?)"),
    # DuckDB reads these; BigQuery would not, or would read another value: the door refuses.
    ("a blank line (DuckDB skips it; the row count would lie)", blank_line, False,
     "row 21 is a blank line"),
    ("a third decimal (DuckDB rounds it, BigQuery keeps it)",
     lambda r: mutated(r, "tip_amount", b"1.234"), False,
     "row 1, tip_amount: '1.234' has more than 2 decimals"),
    ("a zone offset (DuckDB drops it, BigQuery applies it)",
     lambda r: mutated(r, "lpep_dropoff_datetime", b"2021-01-01 00:19:52+01:00"), False,
     "row 1, lpep_dropoff_datetime: '2021-01-01 00:19:52+01:00' is not a timestamp"),
]  # fmt: skip


def door(data: bytes) -> str | None:
    check = TripCsvCheck(GREEN, "green 2021-01")
    try:
        for start in range(0, len(data), 4096):
            check.feed(data[start : start + 4096])
        check.finish()
    except ValidationError as error:
        return str(error)
    return None


def duckdb_reads(data: bytes, tmp_path: Path) -> bool:
    """DuckDB's read_csv with the sources' options, every column converted (select *)."""
    path = tmp_path / "case.csv"
    path.write_bytes(data)
    columns = ", ".join(f"'{c.name}': '{c.type.data_type}'" for c in GREEN.columns)
    sql = (
        f"select * from read_csv('{path}', header = true, delim = ',', quote = '\"', "
        f"escape = '\"', strict_mode = true, auto_detect = false, columns = {{{columns}}})"
    )
    try:
        duckdb.connect().execute(sql).fetchall()
    except duckdb.Error:
        return False
    return True


@pytest.mark.parametrize(("name", "build", "duckdb_refuses", "message"), CASES)
def test_the_door_refuses_what_either_warehouse_would(
    real_rows, tmp_path, name, build, duckdb_refuses, message
):
    data = build(real_rows)
    assert duckdb_reads(data, tmp_path) is not duckdb_refuses, name
    problem = door(data)
    assert problem is not None and message in problem, (name, problem)


def test_real_rows_and_integral_decimals_pass_everywhere(real_rows, tmp_path):
    header, body = real_rows
    good = csv(header, body[:50])
    assert door(good) is None and duckdb_reads(good, tmp_path)
    # Some releases write integers as 1.0: DuckDB reads it as 1, BigQuery's external tables
    # read integer columns as NUMERIC (then staging casts), so the door lets it through.
    integral = mutated(real_rows, "PULocationID", b"43.0")
    assert door(integral) is None and duckdb_reads(integral, tmp_path)


# -- end to end ------------------------------------------------------------------------------


def gzip_month(folder: Path, data: bytes) -> None:
    target = folder / "green" / "green_tripdata_2021-01.csv.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(gzip.compress(data))


def test_damaged_files_are_refused_at_load_and_good_months_still_merge(
    workspace, real_rows, shared_tlc, mirror
):
    good = workspace.loader("load", "--taxi", "green", "--month", "2021-02")
    assert good.code == 0, good.stderr
    before = {path: (workspace.landing / path).read_bytes() for path in workspace.landed_files()}
    damaged = {
        "letters in an integer": (
            mutated(real_rows, "PULocationID", b"4x", row=4, rows=None),
            r"row 5, PULocationID: '4x' is not an integer",
        ),
        "an impossible timestamp": (
            mutated(real_rows, "lpep_pickup_datetime", b"2021-02-30 25:61:00", 70_000, None),
            r"row 70001, lpep_pickup_datetime: '2021-02-30 25:61:00' is not a real date",
        ),
        "a byte that is not UTF-8": (
            mutated(real_rows, "store_and_fwd_flag", b"\xff", row=12_345, rows=None),
            r"row 12346, store_and_fwd_flag: '.' is not valid UTF-8",
        ),
        "a decimal too large": (
            mutated(real_rows, "fare_amount", b"12345678901234567", row=76_517, rows=None),
            r"row 76518, fare_amount: '12345678901234567' has more than 16 digits",
        ),
    }
    for name, (data, message) in damaged.items():
        gzip_month(mirror, data)
        with serve_folder(mirror) as url:
            run = workspace.loader(
                "load", "--taxi", "green", "--month", "2021-01", "--source-url", url
            )
        assert run.code == 1, name
        line = one_line_error(run)
        assert line.startswith("error: green 2021-01: "), line
        assert re.search(message, line) and line.endswith("rejected, nothing was landed"), line
        after = {p: (workspace.landing / p).read_bytes() for p in workspace.landed_files()}
        assert after == before, name

    # Two monthly .csv.gz files concatenated: gzip reads both, the second header is a row.
    monthly = (shared_tlc / SHARED_MONTH).read_bytes()
    (mirror / "green" / "green_tripdata_2021-01.csv.gz").write_bytes(monthly + monthly)
    with serve_folder(mirror) as url:
        run = workspace.loader("load", "--taxi", "green", "--month", "2021-01", "--source-url", url)
    assert run.code == 1
    assert "row 76519 repeats the header (two files concatenated?)" in one_line_error(run)

    fine = workspace.loader("load", "--taxi", "green", "--month", "2021-01")
    assert fine.code == 0, fine.stderr
    build = workspace.dbt("build")
    assert build.code == 0, build.stdout[-3000:]
    expected = GREEN_ROWS["2021-01"] + GREEN_ROWS["2021-02"]
    assert workspace.query("select count(*) from green_tripdata") == [(expected,)]


def test_a_file_made_unreadable_behind_our_back_blocks_nothing_else(workspace):
    for month in ("2021-01", "2021-02"):
        assert workspace.loader("load", "--taxi", "green", "--month", month).code == 0
    landed = workspace.landing / "green/green_tripdata_2021-02.csv"
    data = landed.read_bytes()
    row = data.index(b"\r\n", data.index(b"\r\n") + 1) + 2  # the start of row 2
    comma = data.index(b",", data.index(b",", data.index(b",", row) + 1) + 1)  # 3rd field ends
    # Same size, so only reading it shows the damage: a letter in lpep_dropoff_datetime.
    landed.write_bytes(data[: comma - 1] + b"x" + data[comma:])
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-03").code == 0

    build = workspace.dbt("build")
    assert build.code == 1
    assert "1 landed file(s) could not be read and were not merged" in build.stdout
    (line,) = [text for text in build.stdout.splitlines() if "is unreadable (" in text]
    assert "green_tripdata_2021-02.csv is unreadable (line 3, lpep_dropoff_datetime:" in line
    assert (
        "make purge MONTH=2021-02 TAXI=green FORMAT=csv && make load MONTH=2021-02 TAXI=green"
        in line
    )
    merged = workspace.query("select filename, count(*) from green_tripdata group by 1 order by 1")
    assert merged == [
        ("green_tripdata_2021-01.csv", GREEN_ROWS["2021-01"]),
        ("green_tripdata_2021-03.csv", GREEN_ROWS["2021-03"]),
    ]
    status = workspace.loader("status")
    assert status.code == 1
    assert re.search(r"green\s+2021-02 .* unreadable", status.stdout), status.stdout
    assert "! unreadable: the warehouse could not read it (line 3" in status.stdout

    # The cure the message names: purge, load again, build.
    assert workspace.loader("purge", "--taxi", "green", "--month", "2021-02", "--yes").code == 0
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-02").code == 0
    again = workspace.dbt("build")
    assert again.code == 0, again.stdout[-3000:]
    total = sum(GREEN_ROWS[m] for m in ("2021-01", "2021-02", "2021-03"))
    assert workspace.query("select count(*) from green_tripdata") == [(total,)]
    assert workspace.loader("status").code == 0
