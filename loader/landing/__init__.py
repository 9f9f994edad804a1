"""The landing zone: where validated files are published for dbt, with the manifest beside them.

One interface, two places: a local folder (local.py) and a Cloud Storage bucket (gcs.py).
A writer streams into a temporary beside the final name (one that dbt's file patterns never
match) and publishes with one atomic step, so a crash or a rejected file leaves nothing at
the final name. layout.py names every path; errors.py turns failures into one-line errors.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from loader.config import Settings


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
        from loader.landing.gcs import GcsLanding

        return GcsLanding(settings.landing_uri, timeout=settings.http_timeout)
    from loader.landing.local import LocalLanding

    return LocalLanding(Path(settings.landing_uri))
