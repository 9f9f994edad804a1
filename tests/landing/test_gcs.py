"""The GCS writer's upload thread: any failure reaches the producer, which never blocks."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from google.cloud.storage import exceptions as storage_exceptions

from loader.errors import LandingError
from loader.landing.gcs import GcsWriter


class FailingUpload:
    closed = False

    def write(self, data: bytes) -> None:
        raise storage_exceptions.InvalidResponse(SimpleNamespace(status_code=503), "chunk refused")

    def terminate(self) -> None:
        self.closed = True


class FakeBlob:
    deleted = False

    def open(self, *args, **kwargs) -> FailingUpload:
        return FailingUpload()

    def delete(self, **kwargs) -> None:
        FakeBlob.deleted = True


class FakeBucket:
    name = "bucket"

    def blob(self, name: str, chunk_size: int | None = None) -> FakeBlob:
        return FakeBlob()


def test_an_upload_error_of_any_kind_stops_the_producer():
    writer = GcsWriter(FakeBucket(), "landing/green/f.csv", "landing/_tmp/f.part", timeout=1)
    outcome: dict[str, BaseException] = {}

    def produce() -> None:
        try:
            for _ in range(1000):
                writer.write(b"x" * 1024)
        except LandingError as error:
            outcome["error"] = error
            writer.abort()

    producer = threading.Thread(target=produce, daemon=True)
    producer.start()
    producer.join(timeout=60)  # a hang guard, not a speed check
    assert not producer.is_alive(), "the producer blocked on a dead uploader"
    assert "cannot upload gs://bucket/landing/green/f.csv" in str(outcome["error"])
    assert "InvalidResponse" in str(outcome["error"])
    assert FakeBlob.deleted  # the temporary is cleaned up


def test_commit_reports_the_upload_failure():
    writer = GcsWriter(FakeBucket(), "landing/green/f.csv", "landing/_tmp/f.part", timeout=1)
    writer.write(b"x")
    with pytest.raises(LandingError, match="cannot upload"):
        writer.commit("AAAAAA==")
