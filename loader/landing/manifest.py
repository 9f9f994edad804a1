"""The manifest: one JSON record per landed file, kept in the landing under `_manifest/`.

Each record is a single line of JSON (newline-delimited JSON with one row), so dbt reads the
folder as a source on DuckDB (`read_json`) and on BigQuery (an external table). Its values
become paths, object names and SQL literals, so a record is checked whenever it is read.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timezone

from loader.errors import LoaderError
from loader.landing import Landing
from loader.landing.layout import (
    MANIFEST_DIR,
    is_manifest_relpath,
    manifest_relpath,
    record_file_relpath,
)
from loader.months import Month
from loader.taxis import TAXI_TYPES, TaxiType

FORMATS = ("csv", "parquet")  # what a landed file can be (loader.config.SOURCE_FORMATS)

_CRC32C = re.compile(r"[A-Za-z0-9+/]{6}==")
_MD5 = re.compile(r"[0-9a-f]{32}")


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
    md5: str | None = None  # MD5 of a landed parquet file, hex: dbt checks it before reading

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
                "`make purge MONTH=YYYY-MM TAXI=<taxi>` and load it again"
            ) from error
        return record

    def check(self) -> None:
        taxi = TAXI_TYPES.get(self.taxi) if isinstance(self.taxi, str) else None
        if taxi is None:
            raise ValueError(f"unknown taxi {str(self.taxi)[:20]!r}")
        if self.file not in {
            taxi.landed_name(Month.parse(self.month), file_format) for file_format in FORMATS
        }:
            raise ValueError(f"file {str(self.file)[:60]!r} does not match {self.month}")
        if not isinstance(self.crc32c, str) or not _CRC32C.fullmatch(self.crc32c):
            raise ValueError("crc32c is not a base64 CRC32C")
        if self.md5 is not None and not (isinstance(self.md5, str) and _MD5.fullmatch(self.md5)):
            raise ValueError("md5 is not a hex MD5")
        for name in ("rows", "bytes_compressed", "bytes_uncompressed"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"{name} is not a count")
        datetime.strptime(self.landed_at, "%Y-%m-%dT%H:%M:%S.%fZ")

    @property
    def file_relpath(self) -> str:
        return record_file_relpath(self.taxi, self.file)

    @property
    def file_format(self) -> str:
        return self.file.rpartition(".")[2]


def read_record(
    landing: Landing, taxi: TaxiType, month: Month, file_format: str = "csv"
) -> ManifestRecord | None:
    relpath = manifest_relpath(taxi, month, file_format)
    text = landing.read_text(relpath)
    if not text:
        return None
    record = ManifestRecord.from_json(text, landing.file_uri(relpath))
    if record.file_format != file_format or (record.taxi, record.month) != (taxi.name, str(month)):
        raise ManifestError(
            f"{landing.file_uri(relpath)} is malformed (it describes {record.file[:60]!r}); "
            "purge the month with `make purge MONTH=YYYY-MM TAXI=<taxi>` and load it again"
        )
    return record


def write_record(landing: Landing, record: ManifestRecord) -> None:
    taxi, month = TAXI_TYPES[record.taxi], Month.parse(record.month)
    landing.write_text(manifest_relpath(taxi, month, record.file_format), record.to_json())


def landed_records(
    landing: Landing, malformed: list[ManifestError] | None = None
) -> list[ManifestRecord]:
    """Every record in `_manifest/*.json` (what dbt reads too), checked. A malformed record
    raises, or, given a `malformed` list, is put there and the others are read on."""
    records = []
    for relpath in landing.list(MANIFEST_DIR):
        if not is_manifest_relpath(relpath):
            continue
        text = landing.read_text(relpath)
        if not text:
            continue
        try:
            records.append(ManifestRecord.from_json(text, landing.file_uri(relpath)))
        except ManifestError as error:
            if malformed is None:
                raise
            malformed.append(error)
    return sorted(records, key=lambda record: (record.taxi, record.month))


def landed_difference(landing: Landing, record: ManifestRecord, *, verify: bool) -> str | None:
    """How the landed file differs from what the manifest says was landed, or None.

    Its size always; its CRC32C where the landing reports it for free (GCS), or, with
    `verify`, recomputed from the content (a local file is read in full).
    """
    stat = landing.stat(record.file_relpath)
    if stat is None:
        return "the landed file is missing: load the month again"
    if stat.size != record.bytes_uncompressed:
        return (
            f"the landed file changed since it was landed ({stat.size:,} bytes, landed "
            f"{record.bytes_uncompressed:,}): load the month again with --force"
        )
    checksum = stat.crc32c or (landing.crc32c(record.file_relpath) if verify else None)
    if checksum is not None and checksum != record.crc32c:
        return "the landed file's content changed since it was landed: load it again with --force"
    return None


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
