"""The manifest: one JSON record per landed file, kept in the landing under `_manifest/`.

Each record is a single line of JSON (newline-delimited JSON with one row), so dbt reads the
folder as a source on DuckDB (`read_json`) and on BigQuery (an external table).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone

from loader.months import Month
from loader.taxis import TaxiType

MANIFEST_DIR = "_manifest"


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
    def from_json(cls, text: str) -> ManifestRecord:
        data = json.loads(text)
        known = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})


def manifest_path(taxi: TaxiType, month: Month) -> str:
    """Relative path of the record inside the landing. One flat folder, so a single wildcard
    (`_manifest/*.json`) reads it on DuckDB and on BigQuery alike."""
    return f"{MANIFEST_DIR}/{taxi.file_stem(month)}.json"


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
