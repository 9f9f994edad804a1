"""The landing zone: where validated CSVs are published for dbt, with the manifest beside them.

A writer streams into a temporary name that dbt's file pattern never matches and publishes
with one atomic step (a rename on a local folder), so a crash or a rejected file leaves
nothing at the final name.
"""

from __future__ import annotations

import base64
import errno
import fcntl
import os
import secrets
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import google_crc32c

from loader.config import Settings
from loader.errors import LandingError

TMP_DIR = "_tmp"
LOCK_DIR = "_locks"


@dataclass(frozen=True)
class ObjectStat:
    size: int
    crc32c: str | None  # known without reading the object on GCS; None on a local folder


class LandingWriter(Protocol):
    def write(self, data: bytes) -> None: ...
    def commit(self, crc32c: str) -> None: ...
    def abort(self) -> None: ...


class Landing(Protocol):
    uri: str

    def file_uri(self, relpath: str) -> str: ...
    def stat(self, relpath: str) -> ObjectStat | None: ...
    def crc32c(self, relpath: str) -> str | None: ...
    def writer(self, relpath: str) -> LandingWriter: ...
    def read_text(self, relpath: str) -> str | None: ...
    def write_text(self, relpath: str, text: str) -> None: ...
    def delete(self, relpath: str) -> bool: ...
    def list(self, prefix: str) -> list[str]: ...
    def lock(self, key: str) -> AbstractContextManager[None]: ...
    def try_lock(self, key: str) -> AbstractContextManager[bool]: ...


def open_landing(settings: Settings) -> Landing:
    """The landing LANDING_URI names: gs://<bucket>/<prefix>, or a local folder."""
    if settings.landing_uri.startswith("gs://"):
        from loader.gcs import GcsLanding

        return GcsLanding(settings.landing_uri, timeout=settings.http_timeout)
    return LocalLanding(Path(settings.landing_uri))


class LocalFileWriter:
    def __init__(self, final: Path, temp: Path) -> None:
        self.final = final
        self.temp = temp
        # Buffered: write() either writes everything or raises (a raw write may write less).
        self._handle = _os_call(lambda: temp.open("wb"), temp)

    def write(self, data: bytes) -> None:
        _os_call(lambda: self._handle.write(data), self.temp)

    def commit(self, crc32c: str) -> None:
        def publish() -> None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            os.replace(self.temp, self.final)
            _fsync_dir(self.final.parent)

        _os_call(publish, self.final)

    def abort(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        self.temp.unlink(missing_ok=True)


class LocalLanding:
    """A folder: `<root>/<taxi>/<file>.csv`, `<root>/_manifest/...`, temporaries in `_tmp/`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.uri = str(root)

    def file_uri(self, relpath: str) -> str:
        return str(self.root / relpath)

    def stat(self, relpath: str) -> ObjectStat | None:
        try:
            return ObjectStat(size=(self.root / relpath).stat().st_size, crc32c=None)
        except FileNotFoundError:
            return None

    def crc32c(self, relpath: str) -> str | None:
        """CRC32C of the file's content (read in full), base64 as GCS reports it."""
        checksum = google_crc32c.Checksum()
        try:
            with (self.root / relpath).open("rb") as handle:
                for block in iter(lambda: handle.read(8 << 20), b""):
                    checksum.update(block)
        except FileNotFoundError:
            return None
        return base64.b64encode(checksum.digest()).decode("ascii")

    def writer(self, relpath: str) -> LocalFileWriter:
        final = self.root / relpath
        temp_dir = self.root / TMP_DIR
        for folder in (final.parent, temp_dir):
            _os_call(lambda folder=folder: folder.mkdir(parents=True, exist_ok=True), folder)
        # A crashed earlier run of the same file may have left its temporary: we hold the
        # file's lock, so any temporary for this name is stale.
        for stale in temp_dir.glob(f"{final.name}.*.part"):
            stale.unlink(missing_ok=True)
        temp = temp_dir / f"{final.name}.{os.getpid()}-{secrets.token_hex(4)}.part"
        return LocalFileWriter(final, temp)

    def read_text(self, relpath: str) -> str | None:
        try:
            return (self.root / relpath).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def write_text(self, relpath: str, text: str) -> None:
        writer = self.writer(relpath)
        try:
            writer.write(text.encode("utf-8"))
            writer.commit("")
        except BaseException:
            writer.abort()
            raise

    def delete(self, relpath: str) -> bool:
        try:
            (self.root / relpath).unlink()
        except FileNotFoundError:
            return False
        _fsync_dir((self.root / relpath).parent)
        return True

    def list(self, prefix: str) -> list[str]:
        folder = self.root / prefix
        if not folder.is_dir():
            return []
        return sorted(
            str(path.relative_to(self.root)) for path in folder.rglob("*") if path.is_file()
        )

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """An exclusive lock per file: concurrent loads of one month take turns."""
        with self._flock(key, blocking=True):
            yield

    @contextmanager
    def try_lock(self, key: str) -> Iterator[bool]:
        """Yields False at once if another process holds the lock (a sync already running)."""
        with self._flock(key, blocking=False) as acquired:
            yield acquired

    @contextmanager
    def _flock(self, key: str, *, blocking: bool) -> Iterator[bool]:
        folder = self.root / LOCK_DIR
        _os_call(lambda: folder.mkdir(parents=True, exist_ok=True), folder)
        path = folder / f"{key}.lock"
        # The lock is the open file description: the kernel drops it if the process dies.
        with _os_call(lambda: path.open("a"), path) as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            except BlockingIOError:
                yield False
                return
            try:
                yield True
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _os_call(action, path: Path):
    try:
        return action()
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise LandingError(
                f"the landing folder is full (no space left on device) writing {path}; "
                "free space and load again"
            ) from None
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise LandingError(
                f"cannot write {path} ({error.strerror}); check LANDING_URI and permissions"
            ) from None
        raise LandingError(f"cannot write {path} ({error.strerror})") from None
