"""The operator's and the newcomer's experience: every command says what happened, and when it
fails, one line that names the cause and the fix; no traceback from any of them."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import duckdb

from tests.conftest import GREEN_ROWS, PROJECT_ROOT
from tests.support.http_server import Plan, faulty_handler, serve_folder

ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def one_line(run) -> str:
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in run.stderr
    return lines[0]


def make(workspace, *args: str):
    """`make <args>` as a user types it, in the workspace's environment."""
    completed = subprocess.run(
        ["make", "-s", "--no-print-directory", *args],
        cwd=PROJECT_ROOT,
        env=workspace.env(),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return completed


def test_make_says_which_variable_is_missing_and_refuses_bad_ranges(workspace):
    for verb, missing in (("load", "MONTH=YYYY-MM"), ("backfill", "FROM= and TO=")):
        run = make(workspace, verb)
        assert run.returncode != 0
        assert missing in run.stderr and "Traceback" not in run.stderr, run.stderr
    purge = make(workspace, "purge", "MONTH=2021-06")  # TAXI is required: no purge of all
    assert purge.returncode != 0 and "--taxi" in purge.stderr and "all" in purge.stderr
    backwards = workspace.loader("backfill", "--from", "2021-07", "--to", "2021-01")
    assert backwards.code == 2
    assert "--to 2021-01 is before --from 2021-07" in one_line(backwards)
    assert workspace.landed_files() == []


def test_help_names_every_verb_and_flag():
    script = Path(sys.executable).with_name("taxi-elt")  # the console script names itself
    top = subprocess.run([str(script), "--help"], capture_output=True, text=True)
    assert top.returncode == 0 and top.stdout.startswith("usage: taxi-elt "), top.stdout[:200]
    verbs = ("load", "backfill", "sync", "status", "purge", "build", "demo", "sources")
    for verb in verbs:
        assert re.search(rf"^\s+{verb}\s+\S", top.stdout, re.M), verb
        sub = subprocess.run(
            [sys.executable, "-m", "loader", verb, "--help"], capture_output=True, text=True
        )
        assert sub.returncode == 0
        # Every option says what it is for: a line with the flag and some words after it.
        for flag in re.findall(r"^\s+(--[a-z-]+)", sub.stdout, re.M):
            assert re.search(rf"^\s+{flag}\b.*\S.*", sub.stdout, re.M), (verb, flag)
        assert "--debug" in sub.stdout and "log details and tracebacks" in sub.stdout
    listed = subprocess.run(
        ["make", "-s", "help"], cwd=PROJECT_ROOT, capture_output=True, text=True
    ).stdout
    for verb in ("demo", "test", "load", "backfill", "sync", "build", "status", "purge"):
        assert re.search(rf"^  make {verb} +\S", listed, re.M), verb


def test_a_warehouse_held_open_a_missing_folder_and_two_builds_at_once(workspace, tmp_path):
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-01").code == 0
    # DUCKDB_PATH in a folder that does not exist yet: it is created.
    nested = tmp_path / "new" / "folder" / "taxi.duckdb"
    first = workspace.loader("build", DUCKDB_PATH=str(nested))
    assert first.code == 0, first.stdout[-2000:] + first.stderr
    assert nested.exists()
    # Held open by another process (a notebook, the DuckDB UI): one line, the cause, the fix.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print('open', flush=True); time.sleep(60)",
            str(nested),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        held = workspace.loader("build", DUCKDB_PATH=str(nested))
    finally:
        holder.kill()
        holder.wait()
    assert held.code == 1
    line = one_line(held)
    assert f"the warehouse {nested} is open in another process (PID {holder.pid})" in line
    assert "close that connection" in line
    # A short read overlapping the build's start (a status, a monitoring query) is waited for.
    brief = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print('open', flush=True); time.sleep(1.5); c.close(); time.sleep(60)",
            str(nested),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert brief.stdout.readline().strip() == "open"
        waited = workspace.loader("build", DUCKDB_PATH=str(nested))
    finally:
        brief.kill()
        brief.wait()
    assert waited.code == 0, waited.stdout[-2000:] + waited.stderr
    # Two builds at once take turns instead of colliding.
    both = [
        subprocess.Popen(
            [sys.executable, "-m", "loader", "build"],
            cwd=PROJECT_ROOT,
            env=workspace.env(DUCKDB_PATH=str(nested)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outcomes = [process.communicate(timeout=300) for process in both]
    assert [process.returncode for process in both] == [0, 0], outcomes


def test_a_build_with_nothing_landed_says_so(workspace):
    run = workspace.loader("build")
    assert run.code == 0, run.stdout[-2000:]
    assert re.search(
        r"^dbt build: \d+ models built, \d+ seeds built, \d+ tests passed; no file merged "
        r"\(nothing new was landed\)$",
        run.stdout,
        re.M,
    ), run.stdout[-500:]


def test_status_survives_a_broken_record_and_a_lost_one(workspace):
    for month in ("2021-01", "2021-02"):
        assert workspace.loader("load", "--taxi", "green", "--month", month).code == 0
    assert workspace.loader("build").code == 0
    # A record that is not UTF-8: status shows it and goes on; load and purge say one line.
    broken = workspace.landing / "_manifest/green_tripdata_2021-01.json"
    good = broken.read_bytes()
    broken.write_bytes(b'{"taxi": "green", "month": "2021-\xff01"}\n')
    status = workspace.loader("status")
    assert status.code == 1 and "Traceback" not in status.stderr + status.stdout
    assert "green_tripdata_2021-01.json is malformed" in status.stdout
    assert "green  2021-02" in status.stdout  # the other file is still reported
    load = workspace.loader("load", "--taxi", "green", "--month", "2021-01")
    assert load.code == 1 and "is malformed" in one_line(load) and "purge" in load.stderr
    purge = workspace.loader("purge", "--taxi", "green", "--month", "2021-01", "--yes")
    assert purge.code == 0, purge.stderr
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-01").code == 0
    broken.write_bytes(good)
    # A record deleted while its file stays landed: status reports the rows it merged and
    # says to load it again, not to run a full refresh that would drop a landed file.
    (workspace.landing / "_manifest/green_tripdata_2021-02.json").unlink()
    lost = workspace.loader("status")
    assert lost.code == 1
    assert "its manifest record is gone but the file is still landed" in lost.stdout
    assert "make load MONTH=2021-02 TAXI=green" in lost.stdout
    assert re.search(r"green\s+2021-02\s+csv\s+-\s+-\s+64,572 .*not landed", lost.stdout), (
        lost.stdout
    )


def run_on_a_terminal(command: list[str], env: dict[str, str], timeout: float = 300) -> bytes:
    """Run with stdout and stderr on a pseudo-terminal (isatty() is True): what a user sees."""
    leader, follower = pty.openpty()
    # A real terminal has a size (a fresh pty has 0 columns, where tqdm draws nothing).
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=follower, stderr=follower)
    os.close(follower)
    output = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                data = os.read(leader, 65536)
            except OSError:
                break
            if not data:
                break
            output += data
        elif process.poll() is not None:
            break
    process.wait(timeout=30)
    os.close(leader)
    assert process.returncode == 0, output[-2000:]
    return output


def test_progress_bars_never_break_a_result_line(workspace):
    command = [sys.executable, "-m", "loader", "backfill", "--from", "2021-01", "--to", "2021-04"]
    output = run_on_a_terminal([*command, "--taxi", "green", "--no-build"], workspace.env())
    assert b"files:" in output and b"green_tripdata_2021-01.csv.gz:" in output  # bars drawn
    # What the terminal shows: every write after a carriage return overwrites the line (the
    # terminal itself ends each line with CR LF).
    screen = [
        ANSI.sub(b"", line.removesuffix(b"\r")).split(b"\r")[-1].decode()
        for line in output.split(b"\n")
    ]
    for month in ("2021-01", "2021-02", "2021-03", "2021-04"):
        (line,) = [text for text in screen if f"green_tripdata_{month}.csv " in text]
        assert re.fullmatch(
            rf"landed +green_tripdata_{month}\.csv +[\d,]+ rows .* MB/s *", line.rstrip()
        ), line
    assert any(text.startswith("backfill 2021-01..2021-04: 4 landed") for text in screen)


def test_sync_carries_on_past_a_failing_probe(workspace, shared_tlc, mirror):
    for month in ("2021-01", "2021-02", "2021-03"):
        name = f"green_tripdata_{month}.csv.gz"
        (mirror / "green" / name).write_bytes((shared_tlc / "green" / name).read_bytes())

    class Refusing(Plan):
        """HEAD is refused everywhere (as by some signed URLs); 2021-02 refuses GET too."""

        def next(self, method, path):
            super().next(method, path)
            if method == "HEAD":
                return ("status", 405)
            if "2021-02" in path:
                return ("status", 403)
            return ("ok",)

    plan = Refusing()
    with serve_folder(mirror, faulty_handler(plan)) as url:
        run = workspace.loader(
            "sync", "--taxi", "green", "--now", "2021-03-15T12:00:00Z", "--no-build",
            TLC_SOURCE_URL=url, SYNC_FROM="2021-01",
        )  # fmt: skip
    assert run.code == 1
    assert "landed     green_tripdata_2021-01.csv" in run.stdout
    assert "landed     green_tripdata_2021-03.csv" in run.stdout
    assert "green 2021-02: probe failed: green 2021-02: access to" in run.stderr
    assert "(HTTP 403" in run.stderr and "Traceback" not in run.stderr
    assert sorted(p for p in workspace.landed_files() if p.startswith("green/")) == [
        "green/green_tripdata_2021-01.csv",
        "green/green_tripdata_2021-03.csv",
    ]


def test_load_and_backfill_keep_a_machine_readable_history(workspace):
    run = workspace.loader("load", "--taxi", "green", "--month", "2021-01", "--json")
    assert run.code == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["command"] == "load" and summary["failures"] == []
    (entry,) = summary["files"]
    assert (entry["file"], entry["status"], entry["rows"]) == (
        "green_tripdata_2021-01.csv",
        "landed",
        GREEN_ROWS["2021-01"],
    )
    assert (
        entry["bytes_uncompressed"] == (workspace.landing / "green" / entry["file"]).stat().st_size
    )
    backfill = workspace.loader(
        "backfill", "--from", "2021-01", "--to", "2021-02", "--taxi", "green", "--json"
    )
    assert backfill.code == 0, backfill.stderr
    second = json.loads(backfill.stdout)
    assert [(f["month"], f["status"]) for f in second["files"]] == [
        ("2021-01", "unchanged"),
        ("2021-02", "landed"),
    ]
    assert re.fullmatch(
        r"\d+ models built, .*; merged 2 file\(s\), 141,090 rows, 0 duplicates removed",
        second["build"],
    ), second.get("build")
    history = [json.loads(path.read_text()) for path in (workspace.landing / "_runs").glob("*")]
    assert [run["run_id"] for run in sorted(history, key=lambda run: run["started_at"])] == [
        summary["run_id"],
        second["run_id"],
    ]


def test_dbt_from_any_directory_with_the_project_dir(workspace, tmp_path):
    """DBT_PROJECT_DIR and DBT_PROFILES_DIR are all plain dbt needs elsewhere; relative paths
    resolve against the project, and nothing lands in the directory dbt runs from."""
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-01").code == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    relative = os.path.relpath(workspace.duckdb_path, PROJECT_ROOT)
    completed = subprocess.run(
        [str(Path(sys.executable).with_name("dbt")), "build"],
        cwd=elsewhere,
        env=workspace.env(DBT_PROJECT_DIR=str(PROJECT_ROOT), DUCKDB_PATH=relative),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    assert list(elsewhere.iterdir()) == []
    con = duckdb.connect(str(workspace.duckdb_path), read_only=True)
    assert con.execute("select count(*) from green_tripdata").fetchall() == [(76_518,)]
    con.close()


def test_stage_external_sources_takes_select_and_ext_full_refresh(workspace):
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-01").code == 0
    run = workspace.dbt(
        "run-operation", "stage_external_sources", "--args", "{select: tlc.green_tripdata_ext}",
        "--vars", "{ext_full_refresh: true}",
    )  # fmt: skip
    assert run.code == 0, run.stdout[-2000:]
    views = {
        name
        for (name,) in workspace.query(
            "select view_name from duckdb_views() where schema_name = 'main' and not internal"
        )
    }
    assert views == {"green_tripdata_ext"}  # only what was selected
    assert workspace.query("select count(*) from green_tripdata_ext") == [(76_518,)]
