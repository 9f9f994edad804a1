"""Where the monthly files come from: the release layout over HTTP(S), or a local folder.

A month is `<base>/<taxi>/<taxi>_tripdata_YYYY-MM.csv.gz`. Each call here is one attempt;
retries live in one layer (retry.py) around the whole download, because a download that
breaks off mid-body is restarted from the start.
"""

from __future__ import annotations

from loader.config import Settings
from loader.months import Month
from loader.source.download import CHUNK_SIZE, Download, redact
from loader.taxis import TaxiType

__all__ = ["CHUNK_SIZE", "Download", "Source", "month_url", "redact"]


def month_url(base_url: str, taxi: TaxiType, month: Month, file_format: str = "csv") -> str:
    """<base>/<taxi>/<taxi>_tripdata_YYYY-MM.csv.gz (the CSV backups' release layout), or
    <base>/<taxi>_tripdata_YYYY-MM.parquet (the TLC's own, one flat folder)."""
    if file_format == "parquet":
        return f"{base_url}/{taxi.source_name(month, file_format)}"
    return f"{base_url}/{taxi.name}/{taxi.source_name(month)}"


class Source:
    """The configured source; `open` and `exists` make one attempt each (see retry.py)."""

    def __init__(self, settings: Settings) -> None:
        self.base_url = settings.source_url
        self.file_format = settings.source_format
        self.timeout = settings.http_timeout
        self._http = None

    def url_for(self, taxi: TaxiType, month: Month) -> str:
        return month_url(self.base_url, taxi, month, self.file_format)

    @property
    def is_http(self) -> bool:
        return self.base_url.startswith(("http://", "https://"))

    def open(self, url: str, label: str, *, if_validator: str | None = None) -> Download | None:
        """Open the file; None if `if_validator` still matches (HTTP 304: unchanged)."""
        if self.is_http:
            return self._client().open(url, label, if_validator)
        from loader.source.files import open_file

        return open_file(url, label, if_validator)

    def exists(self, url: str, label: str) -> bool:
        """True if the source publishes `url`, False if not yet (404/410, no such file)."""
        if self.is_http:
            return self._client().exists(url, label)
        from loader.source.files import local_path

        return local_path(url).is_file()

    def close(self) -> None:
        if self._http is not None:
            self._http.close()

    def _client(self):
        if self._http is None:
            from loader.source.http import HttpClient

            self._http = HttpClient(self.timeout)
        return self._http
