"""More sources: fhv and fhvhv from the CSV backups, and the TLC's own parquet months, through
the same loader, merged tables, status, backfill, sync and purge.

There is no real parquet month in ../shared: the parquet files here are generated in the TLC's
schemas (loader/sample_data.py: doubles for amounts and some codes, int32 zones, ns
timestamps before late 2024, Airport_fee from 2023), with the same trips as the CSV months the
same seed writes."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess

import pytest

from loader.months import Month
from loader.sample_data import write_month, write_parquet_month
from loader.taxis import FHV, FHVHV, GREEN, TAXI_TYPES, YELLOW
from tests.conftest import PROJECT_ROOT, gzip_into
from tests.support.http_server import serve_folder

JAN, FEB = Month(2021, 1), Month(2021, 2)


def merged(workspace, sql: str) -> list[tuple]:
    return workspace.query(sql)


def log_rows(workspace) -> dict[str, tuple[int, int, int, int]]:
    rows = workspace.query(
        "select filename, rows_landed, rows_read, rows_merged, duplicates_removed from merge_log"
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def test_make_load_fhvhv_merges_the_real_sample(workspace, shared_tlc, mirror):
    gzip_into(
        shared_tlc / "samples/fhvhv_tripdata_2021-01_head.csv",
        mirror / "fhvhv/fhvhv_tripdata_2021-01.csv.gz",
    )
    with serve_folder(mirror) as url:
        load = subprocess.run(
            ["make", "-s", "--no-print-directory", "load", "MONTH=2021-01", "TAXI=fhvhv"],
            cwd=PROJECT_ROOT,
            env=workspace.env(TLC_SOURCE_URL=url),
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert load.returncode == 0, load.stderr
    assert "landed     fhvhv_tripdata_2021-01.csv" in load.stdout and "1,000 rows" in load.stdout
    build = workspace.loader("build")
    assert build.code == 0, build.stdout[-3000:]
    assert "merged 1 file(s), 1,000 rows, 0 duplicates removed" in build.stdout
    assert workspace.query(
        "select count(*), count(distinct unique_row_id) from fhvhv_tripdata"
    ) == [(1_000, 1_000)]
    assert log_rows(workspace) == {"fhvhv_tripdata_2021-01.csv": (1_000, 1_000, 1_000, 0)}
    # The CSV backups have no fare columns: NULL, as the registry says.
    assert workspace.query(
        "select count(*) from fhvhv_tripdata where base_passenger_fare is null and "
        "hvfhs_license_num = 'HV0003'"
    ) == [(693,)]


def test_a_parquet_month_of_each_type_merges_with_the_keys_of_its_csv(workspace, tmp_path):
    csv_mirror, parquet_mirror = tmp_path / "csv", tmp_path / "parquet"
    for taxi in TAXI_TYPES.values():
        write_month(csv_mirror, taxi, JAN, 4_000, seed=11)
        write_parquet_month(parquet_mirror, taxi, JAN, 4_000, seed=11)
        write_parquet_month(parquet_mirror, taxi, FEB, 3_000, seed=11)
    with serve_folder(parquet_mirror) as url:
        parquet = workspace.loader(
            "backfill", "--from", "2021-01", "--to", "2021-02", "--no-build",
            TLC_SOURCE_URL=url, TLC_SOURCE_FORMAT="parquet",
        )  # fmt: skip
    assert parquet.code == 0, parquet.stderr
    for taxi in TAXI_TYPES.values():
        assert (workspace.landing / taxi.name / f"{taxi.name}_tripdata_2021-02.parquet").exists()
    # The same months from the CSV backups: alike types only (fhvhv is one format per month).
    with serve_folder(csv_mirror) as url:
        for taxi in (GREEN, YELLOW, FHV):
            csv = workspace.loader("load", "--taxi", taxi.name, "--month", "2021-01",
                                   TLC_SOURCE_URL=url)  # fmt: skip
            assert csv.code == 0, csv.stderr
        refused = workspace.loader("load", "--taxi", "fhvhv", "--month", "2021-01",
                                   TLC_SOURCE_URL=url)  # fmt: skip
    assert refused.code == 1
    assert refused.stderr.strip().splitlines() == [
        "error: fhvhv 2021-01: the parquet file of this month is landed, and fhvhv CSV and "
        "parquet files carry different columns (the same trip would be merged twice); make "
        "purge MONTH=2021-01 TAXI=fhvhv FORMAT=parquet first"
    ]
    build = workspace.loader("build")
    assert build.code == 0, build.stdout[-3000:]
    log = log_rows(workspace)
    for taxi in TAXI_TYPES.values():
        jan, feb = (f"{taxi.name}_tripdata_{m}.parquet" for m in ("2021-01", "2021-02"))
        assert log[feb][:2] == (3_000, 3_000), taxi.name
        assert log[feb][2] + log[feb][3] == 3_000
        if taxi is FHVHV:
            continue
        # Every trip of the parquet January has the key of the same CSV trip: CSV and
        # parquet merge first in name order (.csv < .parquet), so the parquet file adds nothing.
        csv_file = f"{taxi.name}_tripdata_2021-01.csv"
        assert log[jan] == (4_000, 4_000, 0, 4_000), taxi.name
        assert log[csv_file][2] + log[csv_file][3] == 4_000
        (table_rows,) = workspace.query(f"select count(*) from {taxi.name}_tripdata")[0]
        assert table_rows == log[csv_file][2] + log[feb][2]
    status = workspace.loader("status")
    assert status.code == 0, status.stdout
    assert "11/11 reconciled" in status.stdout
    assert "fhvhv  2021-02  parquet" in status.stdout


def test_purge_by_format_and_the_other_format_after(workspace, tmp_path):
    for taxi in (FHVHV,):
        write_month(tmp_path / "csv", taxi, JAN, 2_000, seed=3)
        write_parquet_month(tmp_path / "parquet", taxi, JAN, 2_000, seed=3)
    with serve_folder(tmp_path / "csv") as url:
        assert workspace.loader("load", "--taxi", "fhvhv", "--month", "2021-01",
                                TLC_SOURCE_URL=url).code == 0  # fmt: skip
    kept = workspace.loader("purge", "--taxi", "fhvhv", "--month", "2021-01", "--format",
                            "parquet", "--yes")  # fmt: skip
    assert kept.code == 0 and "nothing landed for fhvhv 2021-01 as parquet" in kept.stdout
    assert workspace.landed_files() == [
        "_manifest/fhvhv_tripdata_2021-01.json",
        "fhvhv/fhvhv_tripdata_2021-01.csv",
    ]
    purge = workspace.loader("purge", "--taxi", "fhvhv", "--month", "2021-01", "--format",
                             "csv", "--yes")  # fmt: skip
    assert purge.code == 0 and "purged     fhvhv_tripdata_2021-01.csv (2,000 rows)" in purge.stdout
    assert workspace.landed_files() == []
    with serve_folder(tmp_path / "parquet") as url:
        again = workspace.loader("load", "--taxi", "fhvhv", "--month", "2021-01",
                                 TLC_SOURCE_URL=url, TLC_SOURCE_FORMAT="parquet")  # fmt: skip
    assert again.code == 0, again.stderr
    assert "fhvhv_tripdata_2021-01.parquet" in again.stdout and "parquet ->" in again.stdout


def test_backfill_sync_status_and_purge_for_every_type(workspace, tmp_path):
    mirror = tmp_path / "generated"
    for taxi in TAXI_TYPES.values():
        for month in (JAN, FEB, Month(2021, 3)):
            write_month(mirror, taxi, month, 1_500, seed=4)
    with serve_folder(mirror) as url:
        backfill = workspace.loader(
            "backfill", "--from", "2021-01", "--to", "2021-02", TLC_SOURCE_URL=url
        )
        assert backfill.code == 0, backfill.stdout[-2000:] + backfill.stderr
        assert "backfill 2021-01..2021-02: 8 landed, 0 unchanged, 0 failed" in backfill.stdout
        sync = workspace.loader(
            "sync", "--now", "2021-03-20T12:00:00Z", TLC_SOURCE_URL=url, SYNC_FROM="2021-01"
        )
    assert sync.code == 0, sync.stdout[-2000:] + sync.stderr
    assert "due 2021-01..2021-03, 8 landed, 4 to load, 0 not published yet" in sync.stdout
    for taxi in TAXI_TYPES.values():
        (count,) = workspace.query(f"select count(distinct filename) from {taxi.name}_tripdata")[0]
        assert count == 3, taxi.name
    status = workspace.loader("status")
    assert status.code == 0 and "12/12 reconciled" in status.stdout, status.stdout
    # What the door took, the marts take: the for-hire trips without a zone (the generator
    # leaves them empty at the real files' rates) stay in fct_trips, and no error-severity
    # test failed on them (the builds above exit 0).
    merged = {
        name: workspace.query(f"select count(*) from {name}_tripdata")[0][0] for name in TAXI_TYPES
    }
    assert dict(workspace.query("select service_type, count(*) from fct_trips group by 1")) == (
        merged
    )
    ((pickups, dropoffs),) = workspace.query(
        "select count(*) filter (where pickup_location_id is null), "
        "count(*) filter (where dropoff_location_id is null) from fct_trips "
        "where service_type = 'fhv'"
    )
    assert pickups > 0.1 * merged["fhv"] and dropoffs > 0.05 * merged["fhv"]
    (zoneless,) = workspace.query(
        "select sum(trips) from fct_monthly_zone_revenue "
        "where service_type = 'fhv' and pickup_location_id is null"
    )[0]
    assert zoneless == pickups
    purge = workspace.loader("purge", "--taxi", "fhv", "--month", "2021-02", "--yes")
    assert purge.code == 0 and "purged     fhv_tripdata_2021-02.csv (1,500 rows)" in purge.stdout
    after = workspace.loader("status")
    assert after.code == 1 and "rows merged from a file that is no longer landed" in after.stdout
    refresh = workspace.loader(
        "build", "--full-refresh", "--select", "fhv_tripdata",
        "--vars", "allow_missing_files: true",
    )  # fmt: skip
    assert refresh.code == 0, refresh.stdout[-2000:]
    assert workspace.loader("status").code == 0


def test_months_before_a_type_was_published(workspace, tmp_path):
    one = workspace.loader("load", "--taxi", "fhvhv", "--month", "2019-01")
    assert one.code == 1
    assert one.stderr.strip().splitlines() == [
        "error: fhvhv 2019-01: not published: the TLC publishes fhvhv trips from 2019-02 "
        "(csv from 2019-02)"
    ]
    early = workspace.loader("load", "--taxi", "yellow", "--month", "2010-12",
                             TLC_SOURCE_FORMAT="parquet")  # fmt: skip
    assert early.code == 1 and "longitude and latitude" in early.stderr  # the reason, said
    mirror = tmp_path / "m"
    write_month(mirror, GREEN, Month(2019, 1), 500, seed=1)
    write_month(mirror, YELLOW, Month(2019, 1), 500, seed=1)
    write_month(mirror, FHV, Month(2019, 1), 500, seed=1)
    with serve_folder(mirror) as url:
        every = workspace.loader("load", "--month", "2019-01", TLC_SOURCE_URL=url)
    assert every.code == 0, every.stderr
    assert "skipped    fhvhv 2019-01: the TLC publishes fhvhv trips from 2019-02" in every.stdout
    assert len([p for p in workspace.landed_files() if p.endswith(".csv")]) == 3
    assert workspace.landed_files() == sorted(workspace.landed_files())


def test_a_bad_parquet_download_lands_nothing_and_leaves_no_spool(workspace, tmp_path):
    spool = tmp_path / "spool"
    spool.mkdir()
    mirror = tmp_path / "bad"
    mirror.mkdir()
    (mirror / "green_tripdata_2021-01.parquet").write_bytes(b"<html>rate limited</html>" * 40)
    good = write_parquet_month(tmp_path / "good", GREEN, FEB, 800, seed=2)
    (mirror / good.name).write_bytes(good.read_bytes())
    with serve_folder(mirror) as url:
        env = {"TLC_SOURCE_URL": url, "TLC_SOURCE_FORMAT": "parquet", "TMPDIR": str(spool)}
        bad = workspace.loader("load", "--taxi", "green", "--month", "2021-01", **env)
        assert bad.code == 1
        assert bad.stderr.strip().splitlines() == [
            "error: green 2021-01: the file is not a readable parquet file (Parquet magic bytes "
            "not found in footer. Either the file is corrupted or this is not a parquet file.); "
            "rejected, nothing was landed"
        ]
        assert workspace.landed_files() == [] and os.listdir(spool) == []
        ok = workspace.loader("load", "--taxi", "green", "--month", "2021-02", **env)
    assert ok.code == 0, ok.stderr
    assert os.listdir(spool) == []
    assert workspace.landed_files() == [
        "_manifest/green_tripdata_2021-02.parquet.json",
        "green/green_tripdata_2021-02.parquet",
    ]


def land_two_green_parquet_months(workspace, tmp_path, *, seed: int):
    """Green 2021-01 and 2021-02 written as parquet, served and landed; the mirror folder."""
    mirror = tmp_path / "parquet"
    for month in (JAN, FEB):
        write_parquet_month(mirror, GREEN, month, 1_200, seed=seed)
    with serve_folder(mirror) as url:
        for month in ("2021-01", "2021-02"):
            load = workspace.loader("load", "--taxi", "green", "--month", month,
                                    TLC_SOURCE_URL=url, TLC_SOURCE_FORMAT="parquet")  # fmt: skip
            assert load.code == 0, load.stderr
    return mirror


def test_a_landed_parquet_file_gone_bad_blocks_nothing_else(workspace, tmp_path):
    """A parquet file truncated after it landed: every other file merges, the build fails
    naming it and the cure, status says unreadable (as for CSV); no failed statement stops
    the build halfway."""
    mirror = land_two_green_parquet_months(workspace, tmp_path, seed=6)
    landed = workspace.landing / "green/green_tripdata_2021-01.parquet"
    landed.write_bytes(landed.read_bytes()[:-100])  # the footer is gone
    # A stray file the pattern matches, never landed, with a quote in its name: not read.
    (landed.parent / "green_tripdata_2021-0'3.parquet").write_bytes(b"not parquet")

    build = workspace.loader("build")
    assert build.code == 1
    assert "1 landed file(s) could not be read and were not merged" in build.stdout
    (line,) = [text for text in build.stdout.splitlines() if "is unreadable (" in text]
    assert "green_tripdata_2021-01.parquet is unreadable (its size is " in line
    assert "it changed after it was landed" in line
    assert (
        "make purge MONTH=2021-01 TAXI=green FORMAT=parquet && make load MONTH=2021-01 "
        "TAXI=green TLC_SOURCE_FORMAT=parquet"
    ) in line
    assert workspace.query(
        "select filename, count(*) from green_tripdata group by 1"
    ) == workspace.query(
        "select filename, rows_merged from merge_log where status = 'merged'"
    )  # the other file merged whole (the generator's duplicates removed)
    assert workspace.query("select filename, status from merge_log order by 1") == [
        ("green_tripdata_2021-01.parquet", "unreadable"),
        ("green_tripdata_2021-02.parquet", "merged"),
    ]
    status = workspace.loader("status")
    assert status.code == 1
    assert re.search(r"green\s+2021-01\s+parquet .* unreadable", status.stdout), status.stdout

    # The cure the line names: purge, load again, build.
    purge = workspace.loader("purge", "--taxi", "green", "--month", "2021-01", "--yes")
    assert purge.code == 0, purge.stderr
    with serve_folder(mirror) as url:
        again = workspace.loader("load", "--taxi", "green", "--month", "2021-01",
                                 TLC_SOURCE_URL=url, TLC_SOURCE_FORMAT="parquet")  # fmt: skip
    assert again.code == 0, again.stderr
    assert workspace.loader("build").code == 0
    assert workspace.loader("status").code == 0


@pytest.mark.parametrize("where", ["a data page", "the footer"])
def test_a_landed_parquet_file_damaged_in_place_is_unreadable_not_merged(
    workspace, tmp_path, where
):
    """Damage that keeps the size (a disk, a `dd conv=notrunc`). DuckDB reads zeroed bytes in
    a data page without an error (the build merged them, exit 0, before the check): the merge
    step compares the file's MD5 with the one the loader recorded before DuckDB parses it, so
    the file is recorded unreadable with the cure and the other month merges."""
    land_two_green_parquet_months(workspace, tmp_path, seed=7)
    landed = workspace.landing / "green/green_tripdata_2021-01.parquet"
    content = bytearray(landed.read_bytes())
    record = json.loads(
        (workspace.landing / "_manifest/green_tripdata_2021-01.parquet.json").read_text()
    )
    assert record["md5"] == hashlib.md5(content).hexdigest()
    # What the merge step compares it with: the profile's plugin, which reads the file in
    # pieces (DuckDB's md5(content) would hold a landed month in memory).
    query = f"select tlc_file_md5('{landed}') as md5"
    shown = workspace.dbt("show", "--inline", query, "--output", "json")
    assert f'"md5": "{record["md5"]}"' in shown.stdout, shown.stdout[-2000:]
    start = len(content) // 2 if where == "a data page" else len(content) - 300
    content[start : start + 256] = bytes(256)
    landed.write_bytes(bytes(content))

    build = workspace.loader("build")
    assert build.code == 1
    (line,) = [text for text in build.stdout.splitlines() if "is unreadable (" in text]
    assert "green_tripdata_2021-01.parquet is unreadable (its content changed after it was " in line
    assert "make purge MONTH=2021-01 TAXI=green FORMAT=parquet" in line
    assert workspace.query("select filename, status from merge_log order by 1") == [
        ("green_tripdata_2021-01.parquet", "unreadable"),
        ("green_tripdata_2021-02.parquet", "merged"),
    ]
    assert workspace.query("select count(distinct filename) from green_tripdata") == [(1,)]
