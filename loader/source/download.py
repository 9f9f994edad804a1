"""One download as the source opens it, and how a URL is shown (never its credentials)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

CHUNK_SIZE = 1 << 20


@dataclass
class Download:
    """An open download. `chunks` yields the body; close() releases the connection."""

    url: str
    content_length: int | None
    validator: str | None  # ETag, else Last-Modified: what a later conditional request sends
    chunks: Iterator[bytes]
    _close: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def close(self) -> None:
        for close in self._close:
            close()


def redact(url: str) -> str:
    """A URL fit for output: no user:password, no query string (signed URLs carry tokens)."""
    parts = urlsplit(url)
    if not parts.scheme:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))
