"""Fetch a month's .csv.gz from the source as a stream of byte chunks.

HTTP(S) through requests with urllib3's Retry for what fails before the body starts (connect
errors, 5xx, 429 with Retry-After); a failure in the middle of the body is raised as
TransientSourceError so the caller restarts the whole month cleanly. A local folder or a
file:// URL with the release layout works the same way.
"""

from __future__ import annotations

import email.utils
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from loader import __version__
from loader.config import Settings
from loader.errors import NotPublishedError, SourceError, TransientSourceError
from loader.months import Month
from loader.taxis import TaxiType

CHUNK_SIZE = 1 << 20
MAX_RETRY_AFTER = 300.0  # seconds; a longer Retry-After is capped, not obeyed blindly
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_URL_IN_TEXT = re.compile(r"https?://[^\s'\"<>)]+")


@dataclass
class Download:
    """An open download. `chunks` yields the body; close() releases the connection."""

    url: str
    content_length: int | None
    validator: str | None  # ETag, else Last-Modified: what a later conditional request sends
    chunks: Iterator[bytes]
    _close: list = field(default_factory=list, repr=False)

    def close(self) -> None:
        for close in self._close:
            close()


class _CappedRetry(Retry):
    def get_retry_after(self, response):  # type: ignore[override]
        seconds = super().get_retry_after(response)
        return None if seconds is None else min(seconds, MAX_RETRY_AFTER)


def month_url(base_url: str, taxi: TaxiType, month: Month) -> str:
    """<base>/<taxi>/<taxi>_tripdata_YYYY-MM.csv.gz (the release download layout)."""
    return f"{base_url}/{taxi.name}/{taxi.source_name(month)}"


def redact(url: str) -> str:
    """A URL fit for output: no user:password, no query string (signed URLs carry tokens)."""
    parts = urlsplit(url)
    if not parts.scheme:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


class Source:
    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.source_url
        self.timeout = settings.http_timeout
        self._session: requests.Session | None = None
        self._tries = settings.http_tries
        self._backoff = settings.http_backoff

    def url_for(self, taxi: TaxiType, month: Month) -> str:
        return month_url(self.base_url, taxi, month)

    @property
    def is_http(self) -> bool:
        return self.base_url.startswith(("http://", "https://"))

    def open(self, url: str, name: str, *, if_validator: str | None = None) -> Download | None:
        """Open the file; None if `if_validator` still matches (HTTP 304: unchanged)."""
        if self.is_http:
            return self._open_http(url, name, if_validator)
        return self._open_file(url, name, if_validator)

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

    # -- HTTP --------------------------------------------------------------------------------

    def session(self) -> requests.Session:
        if self._session is None:
            retry = _CappedRetry(
                total=max(self._tries - 1, 0),
                connect=max(self._tries - 1, 0),
                read=max(self._tries - 1, 0),
                status=max(self._tries - 1, 0),
                backoff_factor=self._backoff,
                backoff_max=60,
                backoff_jitter=self._backoff / 4,
                status_forcelist=RETRY_STATUSES,
                allowed_methods=frozenset({"GET", "HEAD"}),
                respect_retry_after_header=True,
                raise_on_status=False,
            )
            session = requests.Session()
            session.headers["User-Agent"] = f"taxi-elt/{__version__}"
            adapter = HTTPAdapter(max_retries=retry, pool_connections=8, pool_maxsize=8)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._session = session
        return self._session

    def _open_http(self, url: str, name: str, if_validator: str | None) -> Download | None:
        headers = {"Accept-Encoding": "identity"}
        if if_validator:
            if if_validator.startswith(("W/", '"')):
                headers["If-None-Match"] = if_validator
            else:
                headers["If-Modified-Since"] = if_validator
        try:
            response = self.session().get(
                url, headers=headers, stream=True, timeout=(min(self.timeout, 30), self.timeout)
            )
        except (requests.ConnectionError, requests.Timeout) as error:
            # urllib3 already retried the connection with backoff: this is final.
            raise SourceError(
                f"{name}: cannot reach {redact(url)} after {self._tries} tries "
                f"({_reason(error)}); check the network and TLC_SOURCE_URL"
            ) from None
        except requests.RequestException as error:
            raise SourceError(
                f"{name}: request to {redact(url)} failed ({_reason(error)})"
            ) from None
        status = response.status_code
        if status == 304:
            response.close()
            return None
        if status != 200:
            response.close()
            raise _status_error(status, response.reason, url, name, self._tries)
        validator = response.headers.get("ETag") or response.headers.get("Last-Modified")
        length = response.headers.get("Content-Length")
        return Download(
            url=url,
            content_length=int(length) if length and length.isdigit() else None,
            validator=validator,
            chunks=_http_chunks(response, url, name),
            _close=[response.close],
        )

    def exists(self, url: str) -> bool:
        """HEAD probe: True if published, False on 404/410 (not published yet)."""
        if not self.is_http:
            return _local_path(url).is_file()
        try:
            response = self.session().head(
                url, allow_redirects=True, timeout=(min(self.timeout, 30), self.timeout)
            )
        except requests.RequestException as error:
            raise SourceError(
                f"cannot reach {redact(url)} ({_reason(error)}); check the network"
            ) from None
        if response.status_code in (404, 410):
            return False
        if response.status_code != 200:
            raise _status_error(
                response.status_code, response.reason, url, url.rsplit("/", 1)[-1], self._tries
            )
        return True

    # -- local files -------------------------------------------------------------------------

    def _open_file(self, url: str, name: str, if_validator: str | None) -> Download | None:
        path = _local_path(url)
        try:
            handle = path.open("rb")
        except FileNotFoundError:
            raise NotPublishedError(
                f"{name} is not in the source folder ({path}); check the month and TLC_SOURCE_URL"
            ) from None
        except OSError as error:
            raise SourceError(f"{name}: cannot read {path} ({error.strerror})") from None
        stat = os.fstat(handle.fileno())
        validator = f"{stat.st_size}-{email.utils.formatdate(stat.st_mtime, usegmt=True)}"
        if if_validator is not None and if_validator == validator:
            handle.close()
            return None
        return Download(
            url=url,
            content_length=stat.st_size,
            validator=validator,
            chunks=iter(lambda: handle.read(CHUNK_SIZE), b""),
            _close=[handle.close],
        )


def _local_path(url: str) -> Path:
    return Path(url[len("file://") :] if url.startswith("file://") else url)


def _http_chunks(response: requests.Response, url: str, name: str) -> Iterator[bytes]:
    try:
        yield from response.iter_content(CHUNK_SIZE)
    except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as error:
        raise TransientSourceError(
            f"{name}: the download from {redact(url)} broke off ({_reason(error)})"
        ) from None
    except requests.RequestException as error:
        raise TransientSourceError(f"{name}: the download broke off ({_reason(error)})") from None


def _status_error(status: int, reason: str, url: str, name: str, tries: int) -> SourceError:
    where = redact(url)
    if status in (404, 410):
        return NotPublishedError(
            f"{name} is not published at {where} (HTTP {status}); check the month and "
            "TLC_SOURCE_URL"
        )
    if status in (401, 403):
        return SourceError(f"{name}: access to {where} is denied (HTTP {status} {reason})")
    if status in RETRY_STATUSES:
        return SourceError(
            f"{name}: {where} answered HTTP {status} {reason} after {tries} tries; "
            "the source is unavailable, try again later"
        )
    return SourceError(f"{name}: {where} answered HTTP {status} {reason}")


def _reason(error: BaseException) -> str:
    """The innermost cause of a requests error, short, with any URL in it redacted."""
    text = _URL_IN_TEXT.sub(lambda match: redact(match.group(0)), str(error))
    text = re.sub(r"url: \S+", "url: (redacted)", text)  # urllib3 quotes path and query
    for marker in ("Caused by ", "NewConnectionError(", "ProtocolError(", "ReadTimeoutError("):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = text.strip("()'\" ")
    for known in (
        "Connection refused",
        "Connection reset by peer",
        "Read timed out",
        "IncompleteRead",
        "Connection broken",
        "Name or service not known",
        "timed out",
    ):
        if known in text:
            return known.lower()
    return text[:160]
