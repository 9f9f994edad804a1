"""One attempt at an HTTP(S) download or probe, with the failures sorted for the retry layer.

Transient (worth another try, retry.py decides when): connection errors, timeouts, a body that
breaks off, HTTP 429 and 5xx (with the server's Retry-After). Final: 404/410 (not published),
401/403 (denied), anything else. No other layer retries: requests' adapter is told not to.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import requests
from requests.adapters import HTTPAdapter

from loader import __version__
from loader.errors import NotPublishedError, SourceError, TransientSourceError
from loader.source.download import CHUNK_SIZE, Download, redact

MAX_RETRY_AFTER = 300.0  # seconds; a longer Retry-After is capped, not obeyed blindly
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_URL_IN_TEXT = re.compile(r"https?://[^\s'\"<>)]+")
NETWORK_ADVICE = "check the network and TLC_SOURCE_URL"
BUSY_ADVICE = "the source is unavailable, try again later"


class HttpClient:
    def __init__(self, timeout: float) -> None:
        self.timeout = (min(timeout, 30), timeout)  # connect, read
        session = requests.Session()
        session.headers["User-Agent"] = f"taxi-elt/{__version__}"
        adapter = HTTPAdapter(max_retries=0, pool_connections=8, pool_maxsize=8)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        self._session = session

    def close(self) -> None:
        self._session.close()

    def open(self, url: str, label: str, if_validator: str | None) -> Download | None:
        headers = {"Accept-Encoding": "identity"}
        if if_validator:
            if if_validator.startswith(("W/", '"')):
                headers["If-None-Match"] = if_validator
            else:
                headers["If-Modified-Since"] = if_validator
        response = self._request("GET", url, label, headers=headers, stream=True)
        status = response.status_code
        if status == 304:
            response.close()
            return None
        if status != 200:
            response.close()
            raise status_error(response, url, label)
        validator = response.headers.get("ETag") or response.headers.get("Last-Modified")
        length = response.headers.get("Content-Length")
        return Download(
            url=url,
            content_length=int(length) if length and length.isdigit() else None,
            validator=validator,
            chunks=_chunks(response, url, label),
            _close=[response.close],
        )

    def exists(self, url: str, label: str) -> bool:
        """HEAD; where HEAD is refused (some signed URLs allow GET only), a 1-byte ranged GET."""
        response = self._request("HEAD", url, label, allow_redirects=True)
        response.close()
        if response.status_code in (404, 410):
            return False
        if response.status_code == 200:
            return True
        if response.status_code in RETRY_STATUSES:
            raise status_error(response, url, label)
        ranged = self._request("GET", url, label, headers={"Range": "bytes=0-0"}, stream=True)
        ranged.close()
        if ranged.status_code in (200, 206):
            return True
        if ranged.status_code in (404, 410):
            return False
        raise status_error(ranged, url, label)

    def _request(self, method: str, url: str, label: str, **options) -> requests.Response:
        try:
            return self._session.request(method, url, timeout=self.timeout, **options)
        except (requests.ConnectionError, requests.Timeout) as error:
            raise TransientSourceError(
                f"{label}: cannot reach {redact(url)} ({reason(error)})", advice=NETWORK_ADVICE
            ) from error
        except requests.RequestException as error:
            raise SourceError(
                f"{label}: request to {redact(url)} failed ({reason(error)})"
            ) from error


def _chunks(response: requests.Response, url: str, label: str) -> Iterator[bytes]:
    try:
        yield from response.iter_content(CHUNK_SIZE)
    except requests.RequestException as error:
        raise TransientSourceError(
            f"{label}: the download from {redact(url)} broke off ({reason(error)})",
            advice="the connection keeps breaking off; check the network and try again",
        ) from error


def status_error(response: requests.Response, url: str, label: str) -> SourceError:
    status, where = response.status_code, redact(url)
    text = f"{label}: {where} answered HTTP {status} {response.reason}"
    if status in (404, 410):
        return NotPublishedError(
            f"{label}: {where.rsplit('/', 1)[-1]} is not published at {where} (HTTP {status}); "
            "check the month and TLC_SOURCE_URL"
        )
    if status in (401, 403):
        return SourceError(
            f"{label}: access to {where} is denied (HTTP {status} {response.reason})"
        )
    if status in RETRY_STATUSES:
        return TransientSourceError(
            text, advice=BUSY_ADVICE, retry_after=retry_after(response.headers.get("Retry-After"))
        )
    return SourceError(text)


def retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number or an HTTP date), capped at MAX_RETRY_AFTER."""
    if not value:
        return None
    if value.strip().isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    import email.utils
    from datetime import datetime, timezone

    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    seconds = (when - datetime.now(timezone.utc)).total_seconds()
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def reason(error: BaseException) -> str:
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
