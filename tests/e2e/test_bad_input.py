"""Bad input: a clear one-line error, a non-zero exit, nothing landed, good loads unharmed."""

from __future__ import annotations

import gzip
import re
import shutil

import pytest

from tests.conftest import gzip_into
from tests.support.http_server import serve_folder


def one_line_error(run) -> str:
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in run.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--taxi", "green", "--month", "2021-13"], "must be 01 to 12"),
        (["--taxi", "green", "--month", "abc"], "not of the form YYYY-MM"),
        (["--taxi", "purple", "--month", "2021-01"], "taxi 'purple' is not one of"),
        (["--taxi", "../x", "--month", "2021-01"], "taxi '../x' is not one of"),
        (["--taxi", "green"], "--month"),
        (["--taxi", "green", "--month", "2021-01'; drop table x; --"], "YYYY-MM"),
    ],
)
def test_bad_arguments_exit_2(workspace, args, message):
    run = workspace.loader("load", *args)
    assert run.code == 2
    assert message in one_line_error(run)
    assert workspace.landed_files() == []


def test_bad_landing_uri_is_refused_before_anything(workspace):
    run = workspace.loader("load", "--taxi", "green", "--month", "2021-01", LANDING_URI="lake'x")
    assert run.code == 2
    assert "LANDING_URI" in one_line_error(run)


def cut_in_half(shared, mirror):
    data = (shared / "green/green_tripdata_2021-01.csv.gz").read_bytes()
    (mirror / "green/green_tripdata_2021-01.csv.gz").write_bytes(data[: len(data) // 2])


def html_page(shared, mirror):
    shutil.copy(
        shared / "broken/green_tripdata_2021-01_html_page_not_gzip.csv.gz",
        mirror / "green/green_tripdata_2021-01.csv.gz",
    )


def truncated_yellow(shared, mirror):
    gzip_into(
        shared / "samples/yellow_tripdata_2021-01_head_truncated.csv",
        mirror / "yellow/yellow_tripdata_2021-01.csv.gz",
    )


def renamed_header(shared, mirror):
    gzip_into(
        shared / "samples/yellow_tripdata_2020-01_random10k_renamed_header.csv",
        mirror / "yellow/yellow_tripdata_2021-01.csv.gz",
    )


def merge_conflict(shared, mirror):
    gzip_into(
        shared / "broken/green_tripdata_2020-01_merge_conflict_markers.csv",
        mirror / "green/green_tripdata_2021-01.csv.gz",
    )


def empty_gzip(shared, mirror):
    (mirror / "green/green_tripdata_2021-01.csv.gz").write_bytes(gzip.compress(b""))


def excel_mangled(shared, mirror):
    gzip_into(
        shared / "broken/yellow_tripdata_2021-01_excel_mangled.csv",
        mirror / "yellow/yellow_tripdata_2021-01.csv.gz",
    )


@pytest.mark.parametrize(
    ("prepare", "taxi", "message"),
    [
        (None, "green", "is not published at .* \\(HTTP 404\\)"),
        (cut_in_half, "green", "ends before its gzip trailer .* truncated"),
        (html_page, "green", "is not gzip: it starts with an HTML/XML page"),
        (truncated_yellow, "yellow", "incomplete row 24427: 6 of 18 fields and no final newline"),
        (renamed_header, "yellow", "unknown columns vendor_id, .*missing columns VendorID"),
        (merge_conflict, "green", "unknown columns <<<<<<< HEAD"),
        (empty_gzip, "green", "is empty"),
        (
            excel_mangled,
            "yellow",
            r"row 1, tpep_pickup_datetime: '1/1/2021 0:30' is not a timestamp",
        ),
    ],
)
def test_bad_files_are_rejected_whole(workspace, shared_tlc, mirror, prepare, taxi, message):
    # A good month is landed first: a bad file must leave it exactly as it was.
    good = workspace.loader("load", "--taxi", "green", "--month", "2021-02")
    assert good.code == 0, good.stderr
    before = {path: (workspace.landing / path).read_bytes() for path in workspace.landed_files()}

    if prepare is not None:
        prepare(shared_tlc, mirror)
    with serve_folder(mirror) as url:
        run = workspace.loader("load", "--taxi", taxi, "--month", "2021-01", "--source-url", url)
    assert run.code == 1
    line = one_line_error(run)
    assert re.search(message, line), line
    assert "nothing was landed" in line or "HTTP 404" in line
    after = {path: (workspace.landing / path).read_bytes() for path in workspace.landed_files()}
    assert after == before  # nothing new at any final name, nothing half-written, nothing changed

    # A good load still works afterwards.
    fine = workspace.loader("load", "--taxi", "green", "--month", "2021-01")
    assert fine.code == 0, fine.stderr
    assert "76,518 rows" in fine.stdout


def test_debug_shows_the_traceback(workspace):
    run = workspace.loader("load", "--taxi", "green", "--month", "2019-06", "--debug")
    assert run.code == 1
    assert "Traceback" in run.stderr and "HTTP 404" in run.stderr


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("DUCKDB_PATH=<a folder>", "is a folder: name a file in it"),
        ("DUCKDB_PATH=<a CSV file>", "is not a DuckDB database"),
        ("DBT_TARGET=bigqeury", "DBT_TARGET 'bigqeury' is not one of: duckdb, bigquery"),
        ("TLC_HTTP_TIMEOUT=inf", "TLC_HTTP_TIMEOUT='inf' is not a number"),
        ("TLC_HTTP_TRIES=2.5", "TLC_HTTP_TRIES='2.5' is not a whole number"),
    ],
)
def test_settings_are_checked_before_anything_runs(workspace, setting, message):
    """Exit 2 with one line, before any request, and nothing on disk: no landing folder, no
    lock beside the warehouse, no run record."""
    folder = workspace.root / "a-folder"
    folder.mkdir()
    csv = workspace.root / "trips.csv"
    csv.write_text("VendorID,fare_amount\n1,2.5\n")
    name, value = setting.split("=", 1)
    value = {"<a folder>": str(folder), "<a CSV file>": str(csv)}.get(value, value)
    before = sorted(workspace.root.rglob("*"))
    for verb in (
        ["load", "--taxi", "green", "--month", "2021-01"],
        ["backfill", "--from", "2021-01", "--to", "2021-02", "--taxi", "green"],
        ["build"],
        ["status"],
    ):
        run = workspace.loader(*verb, **{name: value})
        assert run.code == 2, (verb, run.stderr)
        assert message in one_line_error(run), verb
        assert sorted(workspace.root.rglob("*")) == before, verb
    assert csv.read_text() == "VendorID,fare_amount\n1,2.5\n"


def test_a_month_not_begun_is_refused_without_a_request(workspace):
    run = workspace.loader("load", "--taxi", "green", "--month", "2099-01")
    assert run.code == 2
    assert "month 2099-01 has not begun yet" in one_line_error(run)
    assert not workspace.landing.exists()
