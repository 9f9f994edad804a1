"""Operate it: backfill, the scheduled sync, status and purge, end to end on real files."""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import subprocess
import sys

from tests.conftest import GREEN_ROWS, PROJECT_ROOT
from tests.support.http_server import serve_folder

SEVEN_MONTHS = [f"2021-0{month}" for month in range(1, 8)]


def green_mirror(shared, mirror, months):
    for month in months:
        name = f"green_tripdata_{month}.csv.gz"
        shutil.copy(shared / "green" / name, mirror / "green" / name)


def test_backfill_seven_months_then_status_and_tampering(workspace):
    run = workspace.loader("backfill", "--from", "2021-01", "--to", "2021-07", "--taxi", "green")
    assert run.code == 0, run.stdout + run.stderr
    assert "backfill 2021-01..2021-07: 7 landed, 0 unchanged, 0 failed" in run.stdout
    assert len([path for path in workspace.landed_files() if path.startswith("green/")]) == 7
    assert sum(GREEN_ROWS[month] for month in SEVEN_MONTHS) == 570_466
    assert workspace.query(
        "select count(*), count(distinct unique_row_id) from green_tripdata"
    ) == [(570_466, 570_466)]

    status = workspace.loader("status", "--json")
    assert status.code == 0, status.stdout
    files = json.loads(status.stdout)
    assert [entry["month"] for entry in files] == SEVEN_MONTHS
    assert all(entry["merged"] and entry["reconciled"] for entry in files)
    assert sum(entry["rows_merged"] for entry in files) == 570_466

    # Again: nothing is downloaded or merged, the table is unchanged.
    again = workspace.loader("backfill", "--from", "2021-01", "--to", "2021-07", "--taxi", "green")
    assert again.code == 0 and "0 landed, 7 unchanged" in again.stdout

    # A tampered manifest count: status and the dbt reconciliation test both fail.
    record_path = workspace.landing / "_manifest/green_tripdata_2021-04.json"
    original = record_path.read_text()
    record = json.loads(original)
    record["rows"] += 1
    record_path.write_text(json.dumps(record) + "\n")
    tampered = workspace.loader("status")
    assert tampered.code == 1
    assert "2021-04" in tampered.stdout and "dbt read 86,941 rows, the manifest says 86,942" in (
        tampered.stdout
    )
    test = workspace.dbt("test", "--select", "test_name:tlc_reconciles")
    assert test.code == 1 and "FAIL 1" in test.stdout
    record_path.write_text(original)

    # Rows deleted from the merged table behind dbt's back: status names the file.
    import duckdb

    con = duckdb.connect(str(workspace.duckdb_path))
    con.execute(
        "delete from green_tripdata where unique_row_id in (select unique_row_id from "
        "green_tripdata where filename = 'green_tripdata_2021-06.csv' limit 3)"
    )
    con.close()
    damaged = workspace.loader("status")
    assert damaged.code == 1
    assert "holds 86,734 rows of this file, the merge recorded 86,737" in damaged.stdout


def test_backfill_carries_on_past_failures_and_names_them(workspace, shared_tlc, mirror):
    green_mirror(shared_tlc, mirror, [m for m in SEVEN_MONTHS if m != "2021-03"])
    corrupt = mirror / "green/green_tripdata_2021-05.csv.gz"
    corrupt.write_bytes(corrupt.read_bytes()[:700_000])
    with serve_folder(mirror) as url:
        run = workspace.loader(
            "backfill",
            "--from",
            "2021-01",
            "--to",
            "2021-07",
            "--taxi",
            "green",
            "--jobs",
            "3",
            "--source-url",
            url,
        )
    assert run.code == 1
    assert "5 landed, 0 unchanged, 2 failed" in run.stdout
    assert "green 2021-03: green_tripdata_2021-03.csv.gz is not published" in run.stderr
    assert "green 2021-05: ends before its gzip trailer" in run.stderr
    landed = sorted(path for path in workspace.landed_files() if path.startswith("green/"))
    assert landed == [
        f"green/green_tripdata_{m}.csv" for m in SEVEN_MONTHS if m not in ("2021-03", "2021-05")
    ]
    expected = sum(GREEN_ROWS[m] for m in SEVEN_MONTHS if m not in ("2021-03", "2021-05"))
    assert workspace.query("select count(*) from green_tripdata") == [(expected,)]


def test_sync_loads_due_months_and_overlapping_runs_are_harmless(workspace, shared_tlc, mirror):
    green_mirror(shared_tlc, mirror, ["2021-01", "2021-02", "2021-03"])
    env = {"SYNC_FROM": "2021-01"}
    with serve_folder(mirror) as url:
        # The last evening of February in New York (already March in UTC): March is not due.
        first = workspace.loader(
            "sync", "--taxi", "green", "--now", "2021-03-01T03:00:00Z", "--source-url", url, **env
        )
        assert first.code == 0, first.stdout + first.stderr
        assert "due 2021-01..2021-02, 0 landed, 2 to load, 0 not published yet" in first.stdout
        assert workspace.query("select count(*) from green_tripdata") == [(141_090,)]

        # A month later, April is due but not published (404): skipped, not an error.
        later = workspace.loader(
            "sync", "--taxi", "green", "--now", "2021-04-02T14:00:00Z", "--source-url", url, **env
        )
        assert later.code == 0, later.stdout + later.stderr
        assert "due 2021-01..2021-04, 2 landed, 1 to load, 1 not published yet" in later.stdout
        assert workspace.query("select count(*) from green_tripdata") == [(224_917,)]

        # While another sync holds the lock, a second one does nothing and says so.
        lock_path = workspace.landing / "_locks/sync.lock"
        with lock_path.open("a") as held:
            fcntl.flock(held, fcntl.LOCK_EX)
            blocked = workspace.loader(
                "sync",
                "--taxi",
                "green",
                "--now",
                "2021-04-02T14:00:00Z",
                "--source-url",
                url,
                **env,
            )
        assert blocked.code == 0 and "another sync is running" in blocked.stdout

        # Two syncs started together: both exit 0 and the end state is that of one clean run.
        (mirror / "green/green_tripdata_2021-04.csv.gz").write_bytes(
            (shared_tlc / "green/green_tripdata_2021-04.csv.gz").read_bytes()
        )
        command = [
            sys.executable,
            "-m",
            "loader",
            "sync",
            "--taxi",
            "green",
            "--now",
            "2021-05-02T14:00:00Z",
            "--source-url",
            url,
        ]
        runs = [
            subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=workspace.env(**env),
                text=True,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    expected = sum(GREEN_ROWS[m] for m in ("2021-01", "2021-02", "2021-03", "2021-04"))
    assert workspace.query(
        "select count(*), count(distinct unique_row_id) from green_tripdata"
    ) == [(expected, expected)]
    status = workspace.loader("status")
    assert status.code == 0 and "4/4 reconciled" in status.stdout


def test_purge_then_full_refresh(workspace):
    for month in ("2021-01", "2021-02"):
        assert workspace.loader("load", "--taxi", "green", "--month", month).code == 0
    assert workspace.dbt("build").code == 0

    refused = workspace.loader("purge", "--taxi", "green", "--month", "2021-02")
    assert refused.code == 2 and "--yes" in refused.stderr
    purge = workspace.loader("purge", "--taxi", "green", "--month", "2021-02", "--yes")
    assert purge.code == 0, purge.stderr
    assert "purged     green_tripdata_2021-02.csv (64,572 rows)" in purge.stdout
    assert "--full-refresh" in purge.stdout
    assert not (workspace.landing / "green/green_tripdata_2021-02.csv").exists()
    assert not (workspace.landing / "_manifest/green_tripdata_2021-02.json").exists()

    # Until a full refresh, status and the reconciliation agree, and both say which file.
    status = workspace.loader("status")
    assert status.code == 1
    assert "64,572 rows merged from a file that is no longer landed" in status.stdout
    assert "--full-refresh --select green_tripdata" in status.stdout
    # A build refuses (the missing file could be a wrong LANDING_URI), a full refresh too;
    # the table stays whole until the switch says to drop the purged file's rows.
    for args in ((), ("--full-refresh",)):
        stale = workspace.loader("build", *args)
        assert stale.code == 1
        assert (
            "green_tripdata: refused, nothing changed: merge_log records 1 merged green file(s) "
            f"that the landing {workspace.landing} does not hold (its manifest lists 1 green "
            "file(s)); missing green_tripdata_2021-02.csv."
        ) in stale.stdout, stale.stdout[-3000:]
        assert workspace.query("select count(*) from green_tripdata") == [(141_090,)]
    refreshed = workspace.dbt("build", "--full-refresh", "--vars", "allow_missing_files: true")
    assert refreshed.code == 0, refreshed.stdout[-3000:]
    assert workspace.query("select filename, count(*) from green_tripdata group by 1") == [
        ("green_tripdata_2021-01.csv", 76_518)
    ]
    assert workspace.loader("status").code == 0

    # Loading the month again merges it again.
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-02").code == 0
    assert workspace.dbt("build").code == 0
    assert workspace.query("select count(*) from green_tripdata") == [(141_090,)]


def test_source_freshness_passes_after_a_landing(workspace):
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-01").code == 0
    run = workspace.dbt("source", "freshness")
    assert run.code == 0, run.stdout[-2000:]
    assert "PASS freshness of tlc.landed_files" in run.stdout


def test_tests_on_merged_tables_check_the_months_a_build_merged(workspace):
    for month in ("2021-01", "2021-02"):
        assert workspace.loader("load", "--taxi", "green", "--month", month).code == 0
        assert workspace.dbt("build").code == 0
    # A duplicate slipped into a month the next build touches (the 2021-02 file has one pickup
    # in March, the month the 2021-03 file fills): that build's `unique` test reads the month
    # and fails.
    import duckdb

    con = duckdb.connect(str(workspace.duckdb_path))
    con.execute(
        "insert into green_tripdata select * from green_tripdata "
        "where lpep_pickup_datetime >= '2021-03-01' and lpep_pickup_datetime < '2021-04-01'"
    )
    assert con.execute("select count(*) from green_tripdata").fetchall() == [(141_091,)]
    # And one in January, a month the next build does not touch: out of its tests' scope.
    con.execute(
        "insert into green_tripdata select * from green_tripdata "
        "where lpep_pickup_datetime >= '2021-01-10' and lpep_pickup_datetime < '2021-02-01' "
        "order by unique_row_id limit 1"
    )
    con.close()
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-03").code == 0
    build = workspace.dbt("build")
    assert build.code == 1
    test = "unique_in_merged_months_green_tripdata_unique_row_id"
    assert f"FAIL 1 {test}" in build.stdout
    # `dbt test` on its own, and a build that merged nothing, test the whole table.
    assert f"FAIL 2 {test}" in workspace.dbt("test").stdout
    full = workspace.dbt("build", "--vars", "{full_tests: true}")
    assert f"FAIL 2 {test}" in full.stdout


def test_make_build_passes_the_loaders_settings_and_dbt_arguments(workspace):
    """`python -m loader build` (make build): dbt gets the loader's resolved landing and
    warehouse, and every argument the loader does not know."""
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-01").code == 0
    run = workspace.loader("build", "--threads", "1")
    assert run.code == 0, run.stdout[-2000:] + run.stderr
    # The argument reached dbt (its log says so: on a pipe the console shows no info lines).
    assert "Concurrency: 1 threads" in (workspace.root / "logs" / "dbt.log").read_text()
    assert "\x1b[" not in run.stdout and "START" not in run.stdout
    assert re.search(
        r"^dbt build: \d+ models built, 5 seeds built, \d+ tests passed, \d+ tests warned; "
        r"merged 1 file\(s\), 76,518 rows, 0 duplicates removed$",
        run.stdout,
        re.M,
    ), run.stdout[-500:]
    assert workspace.query("select count(*) from green_tripdata") == [(76_518,)]


def test_backfill_select_builds_only_the_selected_models(workspace, shared_tlc, mirror):
    green_mirror(shared_tlc, mirror, ["2021-01", "2021-02"])
    backfill = ["backfill", "--from", "2021-01", "--to", "2021-02", "--taxi", "green"]
    bad = workspace.loader(*backfill, "--select", "green_tripdata;rm")
    assert bad.code == 2
    assert "'green_tripdata;rm' is not a dbt selector" in bad.stderr
    assert workspace.landed_files() == []  # refused before anything was downloaded
    with serve_folder(mirror) as url:
        run = workspace.loader(*backfill, "--source-url", url, "--select", "green_tripdata")
    assert run.code == 0, run.stdout + run.stderr
    assert "dbt build: 1 models built, 4 tests passed; merged 2 file(s), 141,090 rows" in run.stdout
    tables = {row[0] for row in workspace.query("select table_name from information_schema.tables")}
    assert "green_tripdata" in tables and "fct_trips" not in tables
