"""The loader and dbt run as a user runs them, without paying their imports on every command.

Each end-to-end command used to be a new interpreter that imported dbt (2.5 s of the 4 to 5 s
a `dbt build` costs a test). A server process per pytest worker imports the loader and dbt
once and never runs anything itself; each command is a child forked from it: a process of
its own (its environment, working folder, standard streams, process group and exit code,
nothing of one command left for the next), started warm. The client talks to the server over
a pipe, one JSON line each way.

`TAXI_ELT_TEST_SUBPROCESS=1` runs every command as a fresh interpreter instead (an audit of
this shortcut: the suite must pass both ways). A command asked for while another is running
(a test's own threads) also gets a fresh interpreter.
"""

from __future__ import annotations

import gc
import importlib
import io
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOADER_MAIN = PROJECT_ROOT / "loader" / "__main__.py"
# What the server imports once: dbt, both adapters (the emulator lane uses BigQuery's), the CLI.
PRELOADED = ("dbt.cli.main", "dbt.adapters.duckdb", "dbt.adapters.bigquery", "loader.cli")


@dataclass(frozen=True)
class Finished:
    code: int
    stdout: str
    stderr: str


# ---------------------------------------------------------------- the server (its own process)


def serve() -> None:
    for module in PRELOADED:
        importlib.import_module(module)
    # What the imports made is never collected: out of the collector's sight, a child's
    # collections do not walk (and copy, page by page) the heap it shares with this process.
    gc.collect()
    gc.freeze()
    requests, answers = sys.stdin.buffer, sys.stdout.buffer
    for line in requests:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            _child(request)  # never returns
        answer = {"code": _wait(pid, request["timeout"])}
        answers.write(json.dumps(answer).encode() + b"\n")
        answers.flush()


def _wait(pid: int, timeout: float) -> int | None:
    """The child's exit code as subprocess reports it (-N for signal N); None on timeout
    (the child's process group is killed)."""
    deadline = time.monotonic() + timeout
    delay = 0.002
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return None
        time.sleep(delay)
        delay = min(delay * 2, 0.05)


def _child(request: dict) -> None:
    code = 1
    try:
        os.setpgid(0, 0)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update(request["env"])
        time.tzset()
        tempfile.tempdir = None  # TMPDIR as this command's environment says
        _redirect(0, os.devnull, os.O_RDONLY)
        _redirect(1, request["stdout"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        _redirect(2, request["stderr"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        sys.stdin = io.TextIOWrapper(io.FileIO(0, "r", closefd=False), encoding="utf-8")
        sys.stdout = io.TextIOWrapper(
            io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True
        )
        sys.stderr = io.TextIOWrapper(
            io.FileIO(2, "w", closefd=False),
            encoding="utf-8",
            errors="backslashreplace",
            write_through=True,
        )
        sys.__stdout__, sys.__stderr__ = sys.stdout, sys.stderr
        import logging

        logging.root.handlers.clear()
        code = _run(request["program"], request["args"])
    except SystemExit as stop:
        code = _exit_code(stop.code)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _redirect(fd: int, path: str, flags: int) -> None:
    opened = os.open(path, flags, 0o600)
    os.dup2(opened, fd)
    os.close(opened)


def _run(program: str, args: list[str]) -> int:
    try:
        if program == "loader":
            from loader.cli import main

            sys.argv = [str(LOADER_MAIN), *args]
            return _exit_code(main())
        from dbt.cli.main import cli

        sys.argv = ["dbt", *args]
        cli.main(args=args, prog_name="dbt")
    except SystemExit as stop:
        return _exit_code(stop.code)
    return 0


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1


# ------------------------------------------------------------------ the client (pytest worker)


class Commands:
    """`run('loader' | 'dbt', args, env, cwd, timeout)`, like subprocess.run with text output."""

    def __init__(self) -> None:
        self._server: subprocess.Popen | None = None
        self._busy = threading.Lock()
        self._scratch = Path(tempfile.mkdtemp(prefix="taxi-elt-forkserver-"))
        self._fresh = os.environ.get("TAXI_ELT_TEST_SUBPROCESS") == "1"

    def run(
        self, program: str, args: list[str], env: dict[str, str], cwd: Path, timeout: float
    ) -> Finished:
        if self._fresh or not self._busy.acquire(blocking=False):
            return _fresh_process(program, args, env, cwd, timeout)
        try:
            return self._forked(program, args, env, cwd, timeout)
        finally:
            self._busy.release()

    def _forked(
        self, program: str, args: list[str], env: dict[str, str], cwd: Path, timeout: float
    ) -> Finished:
        server = self._started()
        out, err = self._scratch / "stdout", self._scratch / "stderr"
        request = {
            "program": program,
            "args": list(args),
            "env": dict(env),
            "cwd": str(cwd),
            "stdout": str(out),
            "stderr": str(err),
            "timeout": timeout,
        }
        assert server.stdin is not None and server.stdout is not None
        server.stdin.write(json.dumps(request).encode() + b"\n")
        server.stdin.flush()
        line = server.stdout.readline()
        if not line:
            self._server = None
            raise RuntimeError(f"the test forkserver died (exit {server.wait()})")
        code = json.loads(line)["code"]
        stdout = out.read_text(encoding="utf-8", errors="replace")
        stderr = err.read_text(encoding="utf-8", errors="replace")
        if code is None:
            raise subprocess.TimeoutExpired([program, *args], timeout, stdout, stderr)
        return Finished(code, stdout, stderr)

    def _started(self) -> subprocess.Popen:
        if self._server is None or self._server.poll() is not None:
            self._server = subprocess.Popen(
                [sys.executable, "-c", "from tests.support.forkserver import serve; serve()"],
                cwd=PROJECT_ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        return self._server

    def close(self) -> None:
        if self._server is not None:
            assert self._server.stdin is not None
            self._server.stdin.close()
            self._server.wait(timeout=30)
            self._server = None


def _fresh_process(
    program: str, args: list[str], env: dict[str, str], cwd: Path, timeout: float
) -> Finished:
    command = (
        [sys.executable, "-m", "loader", *args]
        if program == "loader"
        else [str(Path(sys.executable).with_name("dbt")), *args]
    )
    completed = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    return Finished(completed.returncode, completed.stdout, completed.stderr)
