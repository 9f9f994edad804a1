"""Plain dbt as a newcomer types it, on a fresh copy of the repository.

Nothing of the test harness: the venv alone on PATH, no LANDING_URI, DUCKDB_PATH or DBT_* in
the environment, only what `make setup` wrote (profiles.yml, the offline httpfs), the
defaults (`lake/`, `taxi.duckdb`) relative to the copy. One copy runs `make demo`, loads a
real month and runs `make build`: the reference. Another runs the same demo and load, then
every dbt command a user types; after each, its tables (rows, an order-free checksum of the
keys, merge_log) must equal the reference's.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from tests.conftest import GREEN_ROWS, PROJECT_ROOT

pytestmark = pytest.mark.e2e

MERGED = ("green_tripdata", "yellow_tripdata")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@dataclass
class Run:
    code: int
    output: str  # stdout and stderr, interleaved as a terminal shows them


@dataclass
class Clone:
    """A copy of the repository as `git clone` + `make setup` leave it."""

    root: Path
    home: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            "PATH": f"{self.root / '.venv' / 'bin'}:/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "LANG": "C.UTF-8",
            "TMPDIR": os.environ.get("TMPDIR", "/tmp"),
        }
        env.update(extra)
        return env

    def run(self, *command: str, cwd: Path | None = None, **env: str) -> Run:
        completed = subprocess.run(
            list(command),
            cwd=cwd or self.root,
            env=self.env(**env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=600,
        )
        return Run(completed.returncode, completed.stdout)

    def dbt(self, *args: str, cwd: Path | None = None, **env: str) -> Run:
        return self.run("dbt", *args, cwd=cwd, **env)

    def state(self) -> dict:
        """What a build leaves: each table's rows, distinct keys and key checksum, merge_log."""
        con = duckdb.connect(str(self.root / "taxi.duckdb"), read_only=True)
        try:
            state = {
                table: con.execute(
                    f"select count(*), count(distinct unique_row_id), "
                    f"coalesce(sum(hash(unique_row_id) % 1000000007), 0) from {table}"
                ).fetchall()[0]
                for table in MERGED
            }
            state["merge_log"] = con.execute(
                "select taxi, filename, file_crc32c, rows_landed, rows_read, rows_merged, "
                "duplicates_removed, status from merge_log order by all"
            ).fetchall()
            state["fct_trips"] = con.execute(
                "select service_type, count(*), coalesce(sum(hash(unique_row_id) % 1000000007), 0)"
                " from fct_trips group by all order by all"
            ).fetchall()
            state["fct_monthly_zone_revenue"] = con.execute(
                "select count(*), sum(trips), sum(total_amount) from fct_monthly_zone_revenue"
            ).fetchall()
        finally:
            con.close()
        return state


def fresh_clone(where: Path) -> Clone:
    """The repository's files (committed or not yet, never ignored ones) with their times, the
    C checker `make setup` built, the venv it made, then the rest of `make setup`."""
    root, home = where / "taxi-elt", where / "home"
    home.mkdir(parents=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    built = [p.relative_to(PROJECT_ROOT) for p in (PROJECT_ROOT / "loader").rglob("*.so")]
    for relpath in [Path(name.decode()) for name in listed if name] + built:
        source = PROJECT_ROOT / relpath
        if source.is_file():  # a file deleted but not yet committed is not listed as is
            (root / relpath).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / relpath)  # times kept: make sees setup as done
    (root / ".venv").symlink_to(PROJECT_ROOT / ".venv")
    clone = Clone(root, home)
    # Never let make re-run pip in the shared venv (it would point the editable install here).
    assert clone.run("make", "-q", "setup").code == 0, "the venv is older than pyproject.toml"
    setup = clone.run("python", "-m", "loader", "setup")
    assert setup.code == 0, setup.output
    imported = clone.run("python", "-c", "import loader.config as c; print(c.PROJECT_ROOT)")
    assert imported.output.strip() == str(root), imported.output  # the copy's loader, not ours
    return clone


def demo_and_a_real_month(clone: Clone, source_url: str) -> None:
    demo = clone.run("make", "demo")
    assert demo.code == 0, demo.output[-3000:]
    assert "4/4 reconciled" in demo.output
    load = clone.run(
        "make", "load", "MONTH=2021-03", "TAXI=green", TLC_SOURCE_URL=source_url
    )  # a month loaded after the demo, from the (loopback) source
    assert load.code == 0, load.output[-3000:]


def refusal(run: Run, model: str = "green_tripdata") -> str:
    """The one line dbt's error carries for a refused merged model (models refuse on dbt's
    threads, in no fixed order: the line of the one asked for)."""
    lines = [
        line.strip()
        for line in run.output.splitlines()
        if f"{model}: refused, nothing changed" in line
    ]
    assert lines, run.output[-3000:]
    return lines[0]


def test_plain_dbt_ends_where_make_build_ends(tmp_path, tlc_server):
    reference = fresh_clone(tmp_path / "reference")
    demo_and_a_real_month(reference, tlc_server)
    built = reference.run("make", "build")
    assert built.code == 0, built.output[-3000:]
    # On a pipe: no colour codes, dbt's lines cut to the warnings, the summary last.
    assert not ANSI.search(built.output), built.output[:2000]
    assert len(built.output.splitlines()) <= 25, built.output
    assert re.search(r"^dbt build: .*merged 1 file\(s\), 83,827 rows", built.output, re.M)
    assert "PASS=" not in built.output and "START" not in built.output
    expected = reference.state()
    assert expected["green_tripdata"][:2] == (19_965 + 19_956 + GREEN_ROWS["2021-03"],) * 2
    assert (reference.root / "logs" / "dbt.log").stat().st_size > 0  # the whole log is kept

    user = fresh_clone(tmp_path / "user")
    demo_and_a_real_month(user, tlc_server)
    repo = user.root

    # From the repository root, as the README says: each ends with make build's tables.
    for args in (
        ("build",),  # merges the month loaded after the demo
        ("build",),
        ("run",),
        ("test",),
        ("build", "--select", "green_tripdata+"),
        ("build", "--select", "dbt_project/models/analytics"),
        ("run", "--full-refresh", "--select", "green_tripdata"),
        ("run", "--full-refresh"),
    ):
        run = user.dbt(*args)
        assert run.code == 0, (args, run.output[-3000:])
        assert "Traceback" not in run.output
        assert user.state() == expected, args
    # (docs generate compiles every node first: a plain `dbt compile` is in it.)
    for args in (("debug",), ("source", "freshness"), ("docs", "generate")):
        run = user.dbt(*args)
        assert run.code == 0, (args, run.output[-3000:])
    assert (repo / "target" / "catalog.json").exists()
    shown = user.dbt("show", "--select", "green_tripdata", "--limit", "3")
    assert shown.code == 0 and "unique_row_id" in shown.output, shown.output[-3000:]
    listed = user.dbt("ls", "--resource-type", "model", "--output", "name")
    assert listed.code == 0 and "green_tripdata" in listed.output.split(), listed.output
    assert user.state() == expected

    # The landing gone (an unmounted folder): every build refuses, nothing changes; back in
    # place, `dbt retry` finishes what the failed build left.
    (repo / "lake").rename(repo / "lake.unmounted")
    for args in (("build",), ("build", "--full-refresh"), ("run", "--select", "green_tripdata")):
        run = user.dbt(*args)
        assert run.code == 1, (args, run.output[-3000:])
        assert (
            f"green_tripdata: refused, nothing changed: merge_log records 3 merged green "
            f"file(s) that the landing {repo}/lake does not hold (its manifest lists 0 green "
            "file(s)); missing green_tripdata_2021-01.csv, green_tripdata_2021-02.csv, "
            "green_tripdata_2021-03.csv."
        ) in refusal(run), args
        assert user.state() == expected, args
    (repo / "lake.unmounted").rename(repo / "lake")
    retried = user.dbt("retry")
    assert retried.code == 0, retried.output[-3000:]
    assert user.state() == expected

    # A wrong LANDING_URI, absolute or a relative typo: refused, naming where it looked.
    empty = tmp_path / "empty-landing"
    empty.mkdir()
    for landing, shown_as in ((str(empty), str(empty)), ("lak", f"{repo}/lak")):
        run = user.dbt("run", "--full-refresh", "--select", "green_tripdata", LANDING_URI=landing)
        assert run.code == 1
        assert f"the landing {shown_as} does not hold" in refusal(run)
        assert "--vars 'allow_missing_files: true'" in refusal(run)
        assert user.state() == expected

    # The explicit switch rebuilds from an empty landing on purpose; the right landing and a
    # build bring every table back to make build's.
    emptied = user.dbt(
        "build", "--full-refresh", "--select", "green_tripdata",
        "--vars", "allow_missing_files: true", LANDING_URI=str(empty),
    )  # fmt: skip
    assert emptied.code == 0, emptied.output[-3000:]
    assert user.state()["green_tripdata"] == (0, 0, 0)
    assert all(taxi != "green" for taxi, *_ in user.state()["merge_log"])
    rebuilt = user.dbt("build")
    assert rebuilt.code == 0, rebuilt.output[-3000:]
    assert user.state() == expected

    # From a subfolder (dbt finds the project above it) and from anywhere else: nothing is
    # written where dbt runs, no traceback, the same tables.
    models = repo / "dbt_project" / "models"
    before = sorted(models.rglob("*"))
    sub = user.dbt("build", cwd=models, DBT_PROFILES_DIR=str(repo))
    assert sub.code == 0 and "Traceback" not in sub.output, sub.output[-3000:]
    assert sorted(models.rglob("*")) == before
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for args, env in (
        (("--project-dir", str(repo), "--profiles-dir", str(repo)), {}),
        ((), {"DBT_PROJECT_DIR": str(repo), "DBT_PROFILES_DIR": str(repo)}),
    ):
        run = user.dbt("build", *args, cwd=elsewhere, **env)
        assert run.code == 0 and "Traceback" not in run.output, run.output[-3000:]
        assert list(elsewhere.iterdir()) == []
        assert user.state() == expected
    # A real month loaded over a demo month replaces it (the demo mirror's Last-Modified is
    # not sent to the real source), and plain dbt merges it in its place.
    real = user.run("make", "load", "MONTH=2021-01", "TAXI=green", TLC_SOURCE_URL=tlc_server)
    assert real.code == 0 and re.search(r"replaced\s+green_tripdata_2021-01.csv", real.output), (
        real.output
    )
    assert user.dbt("build").code == 0
    green = 19_956 + GREEN_ROWS["2021-01"] + GREEN_ROWS["2021-03"]
    assert user.state()["green_tripdata"][:2] == (green, green)

    # A .env line that does not parse stops the loader before anything runs (it used to be
    # skipped with a warning, and the default landing used instead).
    (repo / ".env").write_text('TLC_SOURCE_FORMAT=parquet\nLANDING_URI = "gs://bucket/x\n')
    files = sorted(repo.rglob("*"))
    broken = user.run("make", "load", "MONTH=2021-04", "TAXI=green", TLC_SOURCE_URL=tlc_server)
    assert broken.code == 2, broken.output
    assert f"error: {repo}/.env line 2 does not parse" in broken.output
    assert sorted(repo.rglob("*")) == files
    (repo / ".env").unlink()

    # The loader reads the same relative defaults from anywhere.
    # (PYTHONPATH: the venv's editable install is this repository's, a user's is their own.)
    status = user.run("python", "-m", "loader", "status", cwd=elsewhere, PYTHONPATH=str(repo))
    assert status.code == 0 and "5/5 reconciled" in status.output, status.output
