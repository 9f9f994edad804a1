"""The manifest: one JSON record per landed file, kept in the landing under `_manifest/`.

Each record is a single line of JSON (newline-delimited JSON with one row), so dbt reads the
folder as a source on DuckDB (`read_json`) and on BigQuery (an external table).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone

from loader.errors import LoaderError
from loader.months import Month
from loader.taxis import TAXI_TYPES, TaxiType

MANIFEST_DIR = "_manifest"
_CRC32C = re.compile(r"[A-Za-z0-9+/]{6}==")


class ManifestError(LoaderError):
    """A manifest record that is not what the loader writes (edited, truncated, foreign)."""


@dataclass(frozen=True)
class ManifestRecord:
    taxi: str
    month: str
    file: str  # the landed file's name, e.g. green_tripdata_2021-01.csv
    uri: str  # where it landed, as dbt reads it
    source_url: str  # redacted: no credentials, no query string
    source_validator: str | None  # ETag or Last-Modified of the source, for conditional GETs
    bytes_compressed: int
    bytes_uncompressed: int
    rows: int
    crc32c: str  # CRC32C of the landed CSV, base64 big-endian (the form GCS reports)
    landed_at: str  # UTC, ISO 8601 with microseconds and Z
    previous_crc32c: str | None = None  # set when this landing replaced different content
    previous_rows: int | None = None
    previous_landed_at: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), sort_keys=False) + "\n"

    @classmethod
    def from_json(cls, text: str, where: str = "a manifest record") -> ManifestRecord:
        """Parse and check a record: its values become paths, object names and SQL."""
        try:
            data = json.loads(text)
            known = {field.name for field in fields(cls)}
            record = cls(**{key: value for key, value in data.items() if key in known})
            record.check()
        except (ValueError, TypeError, AttributeError) as error:
            raise ManifestError(
                f"{where} is malformed ({str(error)[:120]}); purge the month with "
                "`python -m loader purge` and load it again"
            ) from None
        return record

    def check(self) -> None:
        taxi = TAXI_TYPES.get(self.taxi) if isinstance(self.taxi, str) else None
        if taxi is None:
            raise ValueError(f"unknown taxi {str(self.taxi)[:20]!r}")
        if self.file != taxi.landed_name(Month.parse(self.month)):
            raise ValueError(f"file {str(self.file)[:60]!r} does not match {self.month}")
        if not isinstance(self.crc32c, str) or not _CRC32C.fullmatch(self.crc32c):
            raise ValueError("crc32c is not a base64 CRC32C")
        for name in ("rows", "bytes_compressed", "bytes_uncompressed"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} is not a count")
        datetime.strptime(self.landed_at, "%Y-%m-%dT%H:%M:%S.%fZ")


def manifest_path(taxi: TaxiType, month: Month) -> str:
    """Relative path of the record inside the landing. One flat folder, so a single wildcard
    (`_manifest/*.json`) reads it on DuckDB and on BigQuery alike."""
    return f"{MANIFEST_DIR}/{taxi.file_stem(month)}.json"


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
