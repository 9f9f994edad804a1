"""The landing in a local folder: temporaries beside their final file, published by rename.

A temporary sits in the same folder as the file it becomes (layout.temp_relpath), so the
rename that publishes it never crosses file systems, even when a taxi's folder is a symlink to
another disk or a mounted volume.
"""

from __future__ import annotations

import base64
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import google_crc32c

from loader.landing.base import ObjectStat
from loader.landing.errors import local_errors
from loader.landing.layout import LOCK_DIR, lock_relpath, temp_prefix, temp_relpath


class LocalFileWriter:
    def __init__(self, final: Path, temp: Path) -> None:
        self.final = final
        self.temp = temp
        # Buffered: write() either writes everything or raises (a raw write may write less).
        with local_errors(temp):
            self._handle = temp.open("wb")

    def write(self, data: bytes) -> None:
        with local_errors(self.temp):
            self._handle.write(data)

    def commit(self, crc32c: str) -> None:
        try:
            with local_errors(self.final):
                self._handle.flush()
                os.fsync(self._handle.fileno())
                self._handle.close()
                os.replace(self.temp, self.final)
                _fsync_dir(self.final.parent)
        except BaseException:
            self.abort()  # a failed commit (ENOSPC at fsync, ...) leaves no temporary behind
            raise

    def abort(self) -> None:
        if not self._handle.closed:
            self._handle.close()
        self.temp.unlink(missing_ok=True)


class LocalLanding:
    """A folder: `<root>/<taxi>/<file>.csv`, `<root>/_manifest/...` (see layout.py)."""

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
        with local_errors(final.parent):
            final.parent.mkdir(parents=True, exist_ok=True)
        # A crashed earlier run of the same file may have left its temporary: we hold the
        # file's lock, so any temporary for this name is stale.
        prefix = (self.root / temp_prefix(relpath)).name
        for stale in final.parent.glob(f"{prefix}*.part"):
            stale.unlink(missing_ok=True)
        return LocalFileWriter(final, self.root / temp_relpath(relpath))

    def read_text(self, relpath: str) -> str | None:
        """The text of a small file; bytes that are not UTF-8 come back replaced."""
        path = self.root / relpath
        if not path.exists():
            return None
        with local_errors(path, "read"):
            return path.read_bytes().decode("utf-8", errors="replace")

    def write_text(self, relpath: str, text: str) -> None:
        writer = self.writer(relpath)
        try:
            writer.write(text.encode("utf-8"))
            writer.commit("")
        except BaseException:
            writer.abort()
            raise

    def delete(self, relpath: str) -> bool:
        with local_errors(self.root / relpath, "delete"):
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
            str(path.relative_to(self.root))
            for path in folder.rglob("*")
            if path.is_file() and not path.name.startswith(".")
        )

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """An exclusive lock per key: concurrent loads of one month take turns."""
        with self._flock(key, blocking=True):
            yield

    @contextmanager
    def try_lock(self, key: str) -> Iterator[bool]:
        """Yields False at once if another process holds the lock (a sync already running)."""
        with self._flock(key, blocking=False) as acquired:
            yield acquired

    @contextmanager
    def _flock(self, key: str, *, blocking: bool) -> Iterator[bool]:
        path = self.root / lock_relpath(key)
        with local_errors(path):
            (self.root / LOCK_DIR).mkdir(parents=True, exist_ok=True)
            handle = path.open("a")
        # The lock is the open file description: the kernel drops it if the process dies.
        with handle:
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
