"""Run dbt for the loader (build, demo, backfill, sync) in the project root.

dbt gets the loader's resolved settings (from flags, the environment or .env, with the
defaults applied), so both always read and write the same landing and warehouse. Builds take
turns: each holds a lock for the warehouse (beside the DuckDB file; in the landing for
BigQuery), so a second build waits instead of colliding.

`make build` runs dbt as a subprocess. A backfill or a sync instead imports dbt on a thread of
its own while its downloads run (importing dbt takes seconds) and then builds in-process, so
it pays dbt's start-up once and mostly while waiting on the network.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from loader.config import PROJECT_ROOT, Settings
from loader.duckdb_extensions import extension_directory
from loader.errors import LoaderError

if TYPE_CHECKING:
    from loader.output import Console
    from loader.results import LoadResult

_PID = re.compile(r"PID (\d+)")


def dbt_executable() -> str:
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


class DbtWarmup:
    """Import dbt on a thread while other work goes on; `ready()` waits for it."""

    def __init__(self) -> None:
        self._thread = threading.Thread(target=self._import, name="dbt-import", daemon=True)
        self._thread.start()

    @staticmethod
    def _import() -> None:
        with contextlib.suppress(Exception):  # the build itself will say what is wrong
            import dbt.cli.main  # noqa: F401

    def ready(self) -> None:
        self._thread.join()


def run_dbt(
    args: list[str],
    settings: Settings,
    *,
    quiet: bool = False,
    in_process: DbtWarmup | None = None,
) -> str:
    """Run `dbt <args>` in the project root; return a one-line summary or raise LoaderError.

    With `in_process` (a warm-up that imported dbt) dbt runs inside this process.
    """
    results = PROJECT_ROOT / (os.environ.get("DBT_TARGET_PATH") or "target") / "run_results.json"
    with warehouse_turn(settings):
        results.unlink(missing_ok=True)  # never quote an earlier run's results
        with dbt_process_environment(settings) as environment:
            options = console_options(quiet=quiet, terminal=sys.stdout.isatty())
            if in_process is not None:
                in_process.ready()
                code = _invoke_in_process([*options, *args], environment)
            else:
                command = [dbt_executable(), *options, *args]
                code = subprocess.run(
                    command, cwd=PROJECT_ROOT, env=environment, check=False
                ).returncode
        # Still our turn: the summary reads the warehouse, and a build waiting for the lock
        # must not find it open (DuckDB takes no writer while another process reads).
        summary = summarize(results)
        if args[0] in ("build", "run"):
            summary = f"{summary}; {_what_merged(settings, results)}"
        problems = unreconciled(settings, results) if code != 0 else []
    if code != 0:
        for line in problems:
            print(line, file=sys.stderr)
        raise LoaderError(
            f"dbt {args[0]} failed (exit {code}; {summary}); see its output above and logs/dbt.log"
        )
    return summary


def dbt_environment(settings: Settings) -> dict[str, str]:
    """What dbt reads of the loader's settings (the profile and the sources' YAML)."""
    return {
        "LANDING_URI": settings.landing_uri,
        "DUCKDB_PATH": str(settings.duckdb_path),
        "DUCKDB_EXTENSION_DIRECTORY": str(extension_directory()),
    }


@contextmanager
def dbt_process_environment(settings: Settings, **extra: str) -> Iterator[dict[str, str]]:
    """The environment a dbt process gets: this one, the loader's settings (dbt_environment)
    and `extra`; and where dbt would find no profiles.yml (no DBT_PROFILES_DIR, none copied
    to the root by `make setup`), DBT_PROFILES_DIR at a temporary folder holding
    profiles.example.yml as profiles.yml, for as long as the block runs."""
    environment = {**os.environ, **dbt_environment(settings), **extra}
    if "DBT_PROFILES_DIR" in environment or (PROJECT_ROOT / "profiles.yml").exists():
        yield environment
        return
    with tempfile.TemporaryDirectory(prefix="taxi-elt-profiles-") as fallback:
        shutil.copy(PROJECT_ROOT / "profiles.example.yml", Path(fallback) / "profiles.yml")
        yield {**environment, "DBT_PROFILES_DIR": fallback}


def console_options(*, quiet: bool, terminal: bool) -> list[str]:
    """What dbt prints: on a terminal, dbt's own lines; on a pipe, a file or in CI, no colour
    codes and only warnings, failures and errors (the loader prints the summary line). Either
    way the whole debug log goes to logs/dbt.log."""
    options = ["--quiet"] if quiet else []
    if terminal:
        return options
    if not quiet:
        options += ["--log-level", "warn", "--log-level-file", "debug"]
    return [*options, "--no-use-colors"]


@contextmanager
def environment_applied(extra: Mapping[str, str]) -> Iterator[None]:
    """os.environ with `extra` for what runs inside (dbt in-process, or dagster-dbt starting
    dbt with this process's environment), as it was afterwards."""
    saved = dict(os.environ)
    os.environ.update(extra)
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _invoke_in_process(args: list[str], environment: dict[str, str]) -> int:
    """dbt's programmatic entry point, in the project root with dbt's environment; the exit
    code the dbt command would have (0 ok, 1 a node failed, 2 dbt itself failed)."""
    from dbt.cli.main import dbtRunner

    saved_directory = os.getcwd()
    with environment_applied(environment):
        os.chdir(PROJECT_ROOT)
        try:
            result = dbtRunner().invoke(args)
        finally:
            _release_duckdb()
            os.chdir(saved_directory)
    if result.success:
        return 0
    return 2 if result.exception is not None else 1


def _release_duckdb() -> None:
    """dbt-duckdb keeps its database open in the process after a run; close it so that this
    process (the build's summary) and others can open the file."""
    with contextlib.suppress(Exception):
        from dbt.adapters.duckdb.connections import DuckDBConnectionManager

        environment = DuckDBConnectionManager._ENV  # no public way to close it
        if environment is not None:
            environment.close()
        DuckDBConnectionManager.close_all_connections()


@contextmanager
def warehouse_turn(settings: Settings) -> Iterator[None]:
    """Hold the warehouse's build lock; on DuckDB, first make sure dbt can open the file."""
    if settings.dbt_target != "duckdb":
        from loader.landing import open_landing

        with open_landing(settings).lock("build"):
            yield
        return
    import fcntl

    path = settings.duckdb_path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.with_name(path.name + ".build.lock").open("a")
    except OSError as error:
        raise LoaderError(
            f"cannot use the warehouse folder {path.parent} ({error.strerror}); fix DUCKDB_PATH"
        ) from error
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # another build of this warehouse: wait for it
        check_duckdb_writable(path)
        yield


def check_duckdb_writable(path: Path, patience: float = 5.0) -> None:
    """DuckDB takes one writer: fail with one line if another process holds the file. A reader
    that lets go within `patience` seconds (a `status`, the report, a monitoring query) is
    waited for: a scheduled build must not fail because a short read overlapped its start."""
    if not path.exists():
        return
    import duckdb

    deadline = time.monotonic() + patience
    while True:
        try:
            duckdb.connect(str(path)).close()
            return
        except duckdb.Error as error:
            text = str(error)
            if "lock" not in text.lower():
                raise LoaderError(
                    f"cannot open the warehouse {path} ({text.splitlines()[0][:160]})"
                ) from error
            if time.monotonic() >= deadline:
                pid = _PID.search(text)
                holder = f" (PID {pid.group(1)})" if pid else ""
                raise LoaderError(
                    f"the warehouse {path} is open in another process{holder}: close that "
                    "connection (a notebook, the DuckDB UI, a query) and build again"
                ) from error
        time.sleep(0.2)


def unreconciled(settings: Settings, results: Path, limit: int = 20) -> list[str]:
    """For a failed reconciliation test, one line per file that does not reconcile (the
    test's own select, run again read-only), so the failure says which file and what."""
    from loader.merge_log import query_warehouse

    try:
        nodes = json.loads(results.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return []
    lines = []
    for node in nodes:
        if node.get("status") != "fail" or ".tlc_reconciles_" not in node.get("unique_id", ""):
            continue
        rows = query_warehouse(settings, node.get("compiled_code") or "", limit=limit)
        for row in rows or []:
            lines.append(f"  does not reconcile: {row.get('filename')}: {row.get('problem')}")
    return lines


def _what_merged(settings: Settings, results: Path) -> str:
    from loader.merge_log import merged_by

    try:
        invocation = json.loads(results.read_text())["metadata"]["invocation_id"]
    except (OSError, ValueError, KeyError):
        return "what was merged is unknown (no run results)"
    merged = merged_by(settings, invocation)
    return merged.describe() if merged else "what was merged is unknown"


def summarize(path: Path) -> str:
    """'3 models built, 12 tests passed', from dbt's run_results.json (hooks not counted)."""
    try:
        results = json.loads(path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return "no run results"
    kinds = {"model": "models", "seed": "seeds", "snapshot": "snapshots", "test": "tests"}
    counts = Counter(
        (kinds[result["unique_id"].split(".", 1)[0]], result["status"])
        for result in results
        if result["unique_id"].split(".", 1)[0] in kinds
    )
    words = {"success": "built", "pass": "passed", "warn": "warned", "fail": "FAILED"}
    parts = [
        f"{count} {kind} {words.get(status, status.upper())}"
        for (kind, status), count in sorted(counts.items())
    ]
    return ", ".join(parts) or "nothing built"


def build_if_landed(
    settings: Settings,
    results: list[LoadResult],
    build: bool,
    console: Console,
    warmup: DbtWarmup | None = None,
    dbt_args: Sequence[str] = (),
) -> str | None:
    """One dbt build (with `dbt_args`) when anything new landed (an unchanged range has
    nothing to merge)."""
    if not build or not any(result.status != "unchanged" for result in results):
        return None
    # With --json, stdout holds the summary alone: what the build says goes to stderr.
    stream = sys.stderr if console.quiet else None
    console.line("dbt build ...", stream=stream)
    with contextlib.redirect_stdout(sys.stderr) if console.quiet else contextlib.nullcontext():
        summary = run_dbt(["build", *dbt_args], settings, quiet=True, in_process=warmup)
    console.line(f"dbt build: {summary}", stream=stream)
    return summary
