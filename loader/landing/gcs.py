"""The landing zone in Google Cloud Storage, with the guarantees of the local folder.

A file streams into a temporary object beside its final name (layout.temp_relpath: a hidden
name no pattern of dbt's matches) through a resumable upload in 32 MiB chunks (memory stays
flat); the client checks the CRC32C of what it sent, and before publishing we check the
object's CRC32C against what was streamed. Publishing is a server-side rewrite to the final
name, verified again, then the temporary is deleted. A crash or a rejection leaves nothing
dbt would merge.

Credentials, in this order: GOOGLE_APPLICATION_CREDENTIALS (a key file), GCP_SERVICE_ACCOUNT
(a base64-encoded service-account JSON, decoded in memory only), Application Default
Credentials. With STORAGE_EMULATOR_HOST set, an emulator is used anonymously.
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from google.api_core import exceptions as api_exceptions
from google.api_core.retry import Retry
from google.cloud import storage

from loader.credentials import google_credentials
from loader.errors import LandingError
from loader.landing.base import ObjectStat
from loader.landing.errors import gcs_access_error, gcs_errors, gcs_failures, gcs_reason
from loader.landing.layout import lock_relpath, temp_prefix, temp_relpath

# Resumable upload chunks: larger ones mean fewer round trips (GCS wants multiples of 256 KiB).
CHUNK_SIZE = 32 << 20
QUEUED_PIECES = 2  # decompressed pieces (at most 8 MiB each) waiting for the uploader
STALE_LOCK = timedelta(hours=1)
STALE_SYNC_LOCK = timedelta(hours=6)
_FAILURES = gcs_failures()


@dataclass(frozen=True)
class _Location:
    bucket: str
    prefix: str  # no leading or trailing slash; may be empty

    @classmethod
    def parse(cls, uri: str) -> _Location:
        bucket, _, prefix = uri[len("gs://") :].partition("/")
        return cls(bucket, prefix.strip("/"))

    def name(self, relpath: str) -> str:
        return f"{self.prefix}/{relpath}" if self.prefix else relpath


def gcs_client() -> storage.Client:
    """A storage client; anonymous against STORAGE_EMULATOR_HOST when that is set."""
    if os.environ.get("STORAGE_EMULATOR_HOST"):
        return storage.Client(project=os.environ.get("GCP_PROJECT_ID") or "local-emulator")
    credentials, project = google_credentials()
    return storage.Client(project=project, credentials=credentials)


class GcsWriter:
    """Streams into a temporary object; commit() verifies and publishes it at the final name.

    Uploading runs on a thread of its own, fed through a small bounded queue: the download,
    gunzip and checks go on while a chunk is in flight, and memory stays bounded.
    """

    def __init__(self, bucket: storage.Bucket, final: str, temp: str, timeout: float) -> None:
        self._bucket = bucket
        self._final = final
        self._where = f"gs://{bucket.name}/{final}"
        self._temp = bucket.blob(temp, chunk_size=CHUNK_SIZE)
        self._retry = Retry(timeout=timeout, initial=0.5, maximum=8)
        with gcs_errors(f"start the upload to gs://{bucket.name}/{temp}"):
            self._writer = self._temp.open(
                "wb",
                chunk_size=CHUNK_SIZE,
                checksum="crc32c",
                content_type="text/csv",
                retry=self._retry,
            )
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED_PIECES)
        self._failure: LandingError | None = None
        self._uploader = threading.Thread(target=self._upload, name="gcs-upload", daemon=True)
        self._uploader.start()

    def _upload(self) -> None:
        try:
            while (data := self._queue.get()) is not None:
                if self._failure is None:
                    with gcs_errors(f"upload {self._where}; nothing was published"):
                        self._writer.write(data)
        except BaseException as error:  # whatever it is, the producer must hear of it
            if isinstance(error, LandingError):
                self._failure = error
            else:
                self._failure = LandingError(f"cannot upload {self._where} ({gcs_reason(error)})")
                self._failure.__cause__ = error
            while self._queue.get() is not None:  # keep taking pieces: the producer never blocks
                pass

    def write(self, data: bytes) -> None:
        if self._failure is not None:
            raise self._failure
        self._queue.put(data)  # blocks while the uploader is QUEUED_PIECES behind

    def _drain(self) -> None:
        if self._uploader.is_alive():
            self._queue.put(None)
            self._uploader.join()

    def commit(self, crc32c: str) -> None:
        where = self._where
        self._drain()
        if self._failure is not None:
            self.abort()
            raise self._failure
        with gcs_errors(f"finish the upload to {where}; nothing was published"):
            self._writer.close()
            self._temp.reload(retry=self._retry)
        if self._temp.crc32c != crc32c:
            self.abort()
            raise LandingError(
                f"the uploaded object's CRC32C ({self._temp.crc32c}) is not the streamed "
                f"CSV's ({crc32c}); nothing was published at {where}; load again"
            )
        final = self._bucket.blob(self._final)
        with gcs_errors(f"publish {where}"):
            token, _, _ = final.rewrite(self._temp, retry=self._retry)
            while token is not None:
                token, _, _ = final.rewrite(self._temp, token=token, retry=self._retry)
            final.reload(retry=self._retry)
        if final.crc32c != crc32c:
            raise LandingError(f"{where} does not have the uploaded content after the copy")
        self._delete_temp()

    def abort(self) -> None:
        self._failure = self._failure or LandingError(f"the upload to {self._where} was abandoned")
        self._drain()
        if not self._writer.closed:
            with suppress(*_FAILURES):
                self._writer.terminate()  # cancels the resumable session, publishes nothing
        self._delete_temp()

    def _delete_temp(self) -> None:
        # A hidden name: never read by dbt; if this fails, the next load of the file removes it.
        with suppress(*_FAILURES):
            self._temp.delete(retry=self._retry)


class GcsLanding:
    """gs://<bucket>/<prefix>: the same layout as the local folder."""

    def __init__(self, uri: str, *, timeout: float = 60.0) -> None:
        self.uri = uri
        self._location = _Location.parse(uri)
        self._timeout = timeout
        # Every call retries transient errors with backoff, but gives up after `timeout`
        # seconds (the library default keeps trying for two minutes and more).
        self._retry = Retry(timeout=timeout, initial=0.5, maximum=8)
        self._client = gcs_client()
        self._bucket = self._client.bucket(self._location.bucket)
        self._locks: dict[str, int | None] = {}  # key -> the generation of our lock object
        self._check_access()

    def _check_access(self) -> None:
        """Fail before any download if the bucket is missing or the credentials can't list it."""
        try:
            try:
                list(
                    self._client.list_blobs(
                        self._bucket,
                        prefix=self._location.name(""),
                        max_results=1,
                        timeout=30,
                        retry=self._retry,
                    )
                )
            except api_exceptions.RetryError as error:  # gave up: judge by the last failure
                raise error.cause or error from error
        except _FAILURES as error:
            raise gcs_access_error(self._location.bucket, error) from error

    def file_uri(self, relpath: str) -> str:
        return f"gs://{self._location.bucket}/{self._location.name(relpath)}"

    def stat(self, relpath: str) -> ObjectStat | None:
        with gcs_errors(f"read {self.file_uri(relpath)}"):
            blob = self._bucket.get_blob(
                self._location.name(relpath), timeout=30, retry=self._retry
            )
        return None if blob is None else ObjectStat(size=blob.size, crc32c=blob.crc32c)

    def crc32c(self, relpath: str) -> str | None:
        """The object's CRC32C as GCS computed it (no download)."""
        stat = self.stat(relpath)
        return None if stat is None else stat.crc32c

    def writer(self, relpath: str) -> GcsWriter:
        final = self._location.name(relpath)
        # We hold this file's lock: any temporary for it is left over from a crashed run.
        prefix = self._location.name(temp_prefix(relpath))
        with gcs_errors(f"list {self.file_uri(temp_prefix(relpath))}*"):
            for stale in self._client.list_blobs(self._bucket, prefix=prefix, retry=self._retry):
                with suppress(api_exceptions.NotFound):
                    stale.delete(retry=self._retry)
        temp = self._location.name(temp_relpath(relpath))
        return GcsWriter(self._bucket, final, temp, self._timeout)

    def read_text(self, relpath: str) -> str | None:
        blob = self._bucket.blob(self._location.name(relpath))
        try:
            with gcs_errors(f"read {self.file_uri(relpath)}"):
                data = blob.download_as_bytes(timeout=30, retry=self._retry)
        except LandingError as error:
            if isinstance(error.__cause__, api_exceptions.NotFound):
                return None
            raise
        return data.decode("utf-8", errors="replace")

    def write_text(self, relpath: str, text: str) -> None:
        blob = self._bucket.blob(self._location.name(relpath))
        with gcs_errors(f"write {self.file_uri(relpath)}"):
            blob.upload_from_string(
                text, content_type="application/json", timeout=30, retry=self._retry
            )

    def delete(self, relpath: str) -> bool:
        try:
            with gcs_errors(f"delete {self.file_uri(relpath)}"):
                self._bucket.blob(self._location.name(relpath)).delete(
                    timeout=30, retry=self._retry
                )
        except LandingError as error:
            if isinstance(error.__cause__, api_exceptions.NotFound):
                return False
            raise
        return True

    def list(self, prefix: str) -> list[str]:
        start = len(self._location.name(""))
        with gcs_errors(f"list {self.file_uri(prefix)}"):
            blobs = list(
                self._client.list_blobs(
                    self._bucket, prefix=self._location.name(prefix), retry=self._retry
                )
            )
        names = (blob.name[start:] for blob in blobs)
        return sorted(name for name in names if not name.rpartition("/")[2].startswith("."))

    @contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """A lock object created only if absent (a generation-0 precondition); others wait."""
        delay = 0.2
        while not self._acquire(key, STALE_LOCK):
            time.sleep(delay)
            delay = min(delay * 2, 5.0)
        try:
            yield
        finally:
            self._release(key)

    @contextmanager
    def try_lock(self, key: str) -> Iterator[bool]:
        acquired = self._acquire(key, STALE_SYNC_LOCK)
        try:
            yield acquired
        finally:
            if acquired:
                self._release(key)

    def _acquire(self, key: str, stale_after: timedelta) -> bool:
        """Create the lock object only if absent. Its token tells our own lock apart (a retried
        create whose first answer was lost); its generation makes the release exact."""
        blob = self._bucket.blob(self._location.name(lock_relpath(key)))
        token = secrets.token_hex(16)
        owner = json.dumps({"pid": os.getpid(), "host": os.uname().nodename, "token": token})
        try:
            blob.upload_from_string(owner, if_generation_match=0, timeout=30, retry=self._retry)
            self._locks[key] = blob.generation
            return True
        except api_exceptions.PreconditionFailed:
            pass
        except _FAILURES as error:
            raise LandingError(f"cannot take the lock {key} ({gcs_reason(error)})") from error
        with gcs_errors(f"read the lock {key}"):
            held = self._bucket.get_blob(blob.name, retry=self._retry)
        if held is None:
            return False  # released meanwhile: the caller tries again
        holder = _holder(held, self._retry)
        if holder.get("token") == token:
            self._locks[key] = held.generation
            return True
        if _stale(held, holder, stale_after):  # a crashed holder: take the lock over
            with suppress(api_exceptions.NotFound, api_exceptions.PreconditionFailed):
                held.delete(if_generation_match=held.generation, retry=self._retry)
        return False

    def _release(self, key: str) -> None:
        generation = self._locks.pop(key, None)
        # Only the lock we created: if ours went stale and was taken over, theirs stays.
        with suppress(*_FAILURES):  # if this fails, the lock goes stale and is taken over
            self._bucket.blob(self._location.name(lock_relpath(key))).delete(
                if_generation_match=generation, timeout=30, retry=self._retry
            )


def _holder(lock: storage.Blob, retry: Retry) -> dict:
    try:
        holder = json.loads(lock.download_as_text(timeout=30, retry=retry))
    except (*_FAILURES, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


def _stale(lock: storage.Blob, holder: dict, stale_after: timedelta) -> bool:
    """A lock is stale when its holder on this host is dead, or it is older than stale_after."""
    if holder.get("host") == os.uname().nodename and isinstance(holder.get("pid"), int):
        try:
            os.kill(holder["pid"], 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            pass  # alive, another user's
    created = lock.time_created
    return created is not None and datetime.now(timezone.utc) - created > stale_after
