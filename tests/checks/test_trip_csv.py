"""The streaming check of a whole trip CSV: header, structure, values, messages, any chunking."""

import random

import pytest

from loader.checks import TripCsvCheck
from loader.errors import ValidationError
from loader.taxis import GREEN, YELLOW

HEADER = ",".join(YELLOW.column_names)
ROW = "1,2020-01-01 00:28:15,2020-01-01 00:33:03,1,1.20,1,N,238,239,1,6,3,0.5,1.47,0,0.3,11.27,2.5"
GREEN_ROW = ",2021-01-01 00:15:56,2021-01-01 00:19:52,,,43,151,,1.01,5.5,0.5,0.5,0,0,,0.3,6.8,,,"


def check(data: bytes, taxi=YELLOW, chunk: int | None = None) -> TripCsvCheck:
    validator = TripCsvCheck(taxi, "yellow 2020-01")
    chunk = chunk or len(data) or 1
    for start in range(0, len(data), chunk):
        validator.feed(data[start : start + chunk])
    validator.finish()
    return validator


def csv(*rows: str, newline: str = "\n", header: str = HEADER, final_newline=True) -> bytes:
    text = newline.join([header, *rows])
    return (text + (newline if final_newline else "")).encode()


def test_counts_rows_and_bytes():
    data = csv(ROW, ROW, ROW)
    validator = check(data)
    assert validator.rows == 3
    assert validator.bytes == len(data)


@pytest.mark.parametrize("chunk", [1, 2, 5, 17, 100, 4096])
def test_any_chunking_gives_the_same_count(chunk):
    rows = [ROW] * 300
    assert check(csv(*rows), chunk=chunk).rows == 300


def test_crlf_green_file():
    validator = check(
        csv(GREEN_ROW, GREEN_ROW, newline="\r\n", header=",".join(GREEN.column_names)), GREEN
    )
    assert validator.rows == 2


def test_last_row_without_newline_is_complete():
    assert check(csv(ROW, ROW, final_newline=False)).rows == 2


def test_cut_off_last_row_is_rejected():
    data = csv(ROW, ROW[:40], final_newline=False)
    with pytest.raises(ValidationError, match="incomplete row 2: 3 of 18 fields and no final"):
        check(data, chunk=7)


def test_short_row_in_the_middle_is_named():
    rows = [ROW] * 1000
    rows[616] = ROW.rsplit(",", 2)[0]
    with pytest.raises(
        ValidationError, match=r"^yellow 2020-01: row 617 has 16 fields; the header"
    ):
        check(csv(*rows), chunk=4096)


def test_long_row_and_compensating_rows_are_caught():
    # One row with a field too many and one with a field too few: the total number of commas
    # is right, so only a per-row check catches it.
    rows = [ROW] * 100
    rows[10] = ROW + ",9"
    rows[20] = ROW.rsplit(",", 1)[0]
    with pytest.raises(ValidationError, match="row 11 has 19 fields"):
        check(csv(*rows))


def test_blank_line_is_rejected():
    with pytest.raises(ValidationError, match="row 2 is a blank line"):
        check(csv(ROW, "", ROW))
    with pytest.raises(ValidationError, match="row 2 is a blank line"):
        check(csv(GREEN_ROW, "", GREEN_ROW, header=",".join(GREEN.column_names), newline="\r\n"),
              GREEN)  # fmt: skip


def test_header_only_and_empty():
    with pytest.raises(ValidationError, match="header but no rows"):
        check(csv())
    with pytest.raises(ValidationError, match="is empty"):
        check(b"")


def test_renamed_header_lists_unknown_and_missing():
    header = HEADER.replace("VendorID", "vendor_id").replace("RatecodeID", "rate_code_id")
    with pytest.raises(ValidationError) as error:
        check(csv(ROW, header=header))
    message = str(error.value)
    assert "unknown columns vendor_id, rate_code_id" in message
    assert "missing columns VendorID, RatecodeID" in message


def test_green_header_served_as_yellow():
    with pytest.raises(ValidationError, match="not a yellow trip header.*lpep_pickup_datetime"):
        check(csv(GREEN_ROW, header=",".join(GREEN.column_names)))


def test_reordered_columns_are_rejected():
    columns = list(YELLOW.column_names)
    columns[0], columns[1] = columns[1], columns[0]
    with pytest.raises(ValidationError, match="unexpected order"):
        check(csv(ROW, header=",".join(columns)))


def test_quoted_header_and_bom_are_accepted():
    header = "\ufeff" + ",".join(f'"{name}"' for name in YELLOW.column_names)
    assert check(csv(ROW, header=header)).rows == 1


def test_header_names_match_case_insensitively():
    assert check(csv(ROW, header=HEADER.replace("VendorID", "vendorid"))).rows == 1


def test_quoted_values_and_a_quoted_newline():
    quoted = ROW.replace(",N,", ',"\n",', 1).replace(",1.20,", ',"1.20",', 1)
    data = csv(ROW, quoted, ROW)
    for chunk in (3, 50, len(data)):
        assert check(data, chunk=chunk).rows == 3


def test_unterminated_quote_is_rejected():
    with pytest.raises(ValidationError, match="row 2 opens a quoted value that never closes"):
        check(csv(ROW, ROW.replace(",N,", ',"N,', 1)))


def test_spreadsheet_dates_are_rejected():
    mangled = ROW.replace("2020-01-01 00:28:15", "1/1/2020 0:28")
    with pytest.raises(
        ValidationError,
        match=r"row 3, tpep_pickup_datetime: '1/1/2020 0:28' is not a timestamp YYYY-MM-DD "
        r"HH:MM:SS \(re-saved by a spreadsheet\?\)",
    ):
        check(csv(ROW, ROW, mangled), chunk=50)


def test_merge_conflict_markers_are_rejected():
    data = b"<<<<<<< HEAD\n" + csv(ROW)
    with pytest.raises(ValidationError, match="unknown columns <<<<<<< HEAD"):
        check(data)


def test_random_chunking_agrees_with_whole_file():
    rng = random.Random(7)
    data = csv(*([ROW, ROW.replace("1.20", ".61")] * 2000), final_newline=False)
    validator = TripCsvCheck(YELLOW, "f")
    position = 0
    while position < len(data):
        step = rng.randint(1, 3000)
        validator.feed(data[position : position + step])
        position += step
    validator.finish()
    assert validator.rows == 4000


def reference_rows(data: bytes, fields: int) -> int | None:
    """Naive check with the csv module: the row count, or None if any row is malformed."""
    import csv as csv_module
    import io

    text = data.decode()
    rows = list(csv_module.reader(io.StringIO(text, newline="")))
    if not rows or rows[0] != list(YELLOW.column_names):
        return None
    body = rows[1:]
    if not body or any(len(row) != fields for row in body):
        return None
    return len(body)


@pytest.mark.parametrize("seed", range(60))
def test_fast_path_agrees_with_a_naive_parser(seed):
    rng = random.Random(seed)
    rows = []
    for _ in range(rng.randint(1, 400)):
        row = ROW.split(",")
        roll = rng.random()
        if roll < 0.05:
            row[6] = '"Y"'
        elif roll < 0.07:
            row[6] = '"\n"'
        elif roll < 0.075 and seed % 3 == 0:
            row.append("extra")
        elif roll < 0.08 and seed % 3 == 1:
            row.pop()
        rows.append(",".join(row))
    newline = "\r\n" if seed % 2 else "\n"
    data = csv(*rows, newline=newline, final_newline=seed % 5 != 0)
    expected = reference_rows(data, len(YELLOW.columns))
    validator = TripCsvCheck(YELLOW, "f")
    try:
        position = 0
        while position < len(data):
            step = rng.choice((1, 3, 64, 500, 5000, 100_000))
            validator.feed(data[position : position + step])
            position += step
        validator.finish()
    except ValidationError:
        assert expected is None
    else:
        assert validator.rows == expected


def test_a_stray_quote_fails_bounded():
    # Without a bound the open record would grow with the file (and be rescanned each line).
    rows = [ROW] * 200_000
    rows[5] = ROW.replace(",N,", ',"N,', 1)  # opens a quote that never closes
    with pytest.raises(ValidationError, match="row 6 is longer than 1 MB"):
        check(csv(*rows), chunk=1 << 20)


VALUE_CASES = [
    # (column, bad value, message): every damaged-file case of issue 10, by column type
    ("PULocationID", "abc", "row 3, PULocationID: 'abc' is not an integer"),
    ("tpep_pickup_datetime", "2021-02-30 25:61:00", "'2021-02-30 25:61:00' is not a real date"),
    ("passenger_count", "99999999999999999999", "is out of the 64-bit integer range"),
    ("fare_amount", "12345678901234567", "has more than 16 digits before the point"),
    ("tip_amount", "1.234", "'1.234' has more than 2 decimals"),
    ("store_and_fwd_flag", "\udcff", "is not valid UTF-8"),
    ("store_and_fwd_flag", "NY", "'NY' is longer than 1 characters"),
    ("DOLocationID", "", "DOLocationID: is empty, and the column may not be"),
]


@pytest.mark.parametrize(("column", "value", "message"), VALUE_CASES)
def test_every_value_is_checked_and_named(column, value, message):
    bad = ROW.split(",")
    bad[YELLOW.column_names.index(column)] = value
    line = ",".join(bad).encode("utf-8", errors="surrogateescape")
    data = csv(ROW, ROW).rstrip(b"\n") + b"\n" + line + b"\n" + csv(ROW, header=ROW)
    for chunk in (1, 13, len(data)):
        with pytest.raises(ValidationError) as error:
            check(data, chunk=chunk)
        assert message in str(error.value), str(error.value)
        assert str(error.value).startswith("yellow 2020-01: row 3, ")


def test_two_files_concatenated_repeat_the_header():
    data = csv(ROW, ROW) + csv(ROW)
    with pytest.raises(ValidationError, match=r"row 3 repeats the header \(two files"):
        check(data, chunk=64)
