"""Land one month: download, gunzip, validate and write in one streaming pass, then publish.

Memory stays flat: chunks of about a megabyte flow through; nothing holds the month.
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

import google_crc32c
from tenacity import (
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from loader.config import Settings
from loader.errors import TransientSourceError, ValidationError
from loader.inflate import Gunzip
from loader.landing import Landing, LandingWriter
from loader.manifest import ManifestRecord, manifest_path, utc_now
from loader.months import Month
from loader.source import Download, Source, redact
from loader.taxis import TaxiType
from loader.validate import TripCsvValidator

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


@dataclass(frozen=True)
class LoadResult:
    taxi: str
    month: str
    file: str
    status: str  # landed | replaced | repaired | unchanged
    rows: int
    bytes_compressed: int
    bytes_uncompressed: int
    seconds: float
    uri: str

    @property
    def throughput_mb_s(self) -> float:
        return self.bytes_uncompressed / 1e6 / self.seconds if self.seconds > 0 else 0.0


def landed_relpath(taxi: TaxiType, month: Month) -> str:
    return f"{taxi.name}/{taxi.landed_name(month)}"


def read_record(landing: Landing, taxi: TaxiType, month: Month) -> ManifestRecord | None:
    relpath = manifest_path(taxi, month)
    text = landing.read_text(relpath)
    return ManifestRecord.from_json(text, landing.file_uri(relpath)) if text else None


def load_month(
    settings: Settings,
    landing: Landing,
    source: Source,
    taxi: TaxiType,
    month: Month,
    *,
    force: bool = False,
    progress: Callable[[int | None], Progress] | None = None,
) -> LoadResult:
    """Land `taxi` `month` unless identical content is already landed."""
    started = time.monotonic()
    with landing.lock(f"{taxi.name}_{month}"):
        previous = read_record(landing, taxi, month)
        intact = previous is not None and landed_difference(landing, previous, verify=force) is None
        # Ask the source for the file only if it changed since the landing we hold.
        if_validator = previous.source_validator if previous and intact and not force else None
        retrying = Retrying(
            stop=stop_after_attempt(settings.http_tries),
            wait=wait_exponential_jitter(initial=settings.http_backoff, max=60),
            retry=retry_if_exception_type(TransientSourceError),
            reraise=True,
            before_sleep=lambda state: log.warning(
                "retrying: %s (try %d of %d)",
                state.outcome.exception(),
                state.attempt_number + 1,
                settings.http_tries,
            ),
        )
        for attempt in retrying:
            with attempt:
                result = _land_once(
                    landing, source, taxi, month, previous, intact, if_validator, progress
                )
    return replace(result, seconds=time.monotonic() - started)


def _land_once(
    landing: Landing,
    source: Source,
    taxi: TaxiType,
    month: Month,
    previous: ManifestRecord | None,
    intact: bool,
    if_validator: str | None,
    progress: Callable[[int | None], Progress] | None,
) -> LoadResult:
    name = taxi.source_name(month)
    relpath = landed_relpath(taxi, month)
    url = source.url_for(taxi, month)
    download = source.open(url, name, if_validator=if_validator)
    if download is None:  # HTTP 304 / same size and mtime: the landed file is current
        assert previous is not None
        return _result(previous, "unchanged", landing.file_uri(relpath))
    try:
        streamed = _stream(download, landing, relpath, taxi, name, progress)
    finally:
        download.close()
    checksum, writer = streamed.crc32c, streamed.writer
    if previous is not None and intact and previous.crc32c == checksum:
        writer.abort()
        if previous.source_validator != download.validator:
            _write_record(
                landing, taxi, month, replace(previous, source_validator=download.validator)
            )
        return _result(previous, "unchanged", landing.file_uri(relpath))
    writer.commit(checksum)
    replaced = previous is not None and previous.crc32c != checksum
    record = ManifestRecord(
        taxi=taxi.name,
        month=str(month),
        file=taxi.landed_name(month),
        uri=landing.file_uri(relpath),
        source_url=redact(url),
        source_validator=download.validator,
        bytes_compressed=streamed.bytes_compressed,
        bytes_uncompressed=streamed.bytes_uncompressed,
        rows=streamed.rows,
        crc32c=checksum,
        landed_at=utc_now(),
        previous_crc32c=previous.crc32c if replaced else None,
        previous_rows=previous.rows if replaced else None,
        previous_landed_at=previous.landed_at if replaced else None,
    )
    _write_record(landing, taxi, month, record)
    status = "replaced" if replaced else ("repaired" if previous is not None else "landed")
    return _result(record, status, record.uri)


@dataclass(frozen=True)
class _Streamed:
    """A validated file in a temporary, not yet published."""

    writer: LandingWriter
    crc32c: str
    rows: int
    bytes_compressed: int
    bytes_uncompressed: int


def _stream(
    download: Download,
    landing: Landing,
    relpath: str,
    taxi: TaxiType,
    name: str,
    progress: Callable[[int | None], Progress] | None,
) -> _Streamed:
    """The one pass: compressed chunks in, validated CSV out to a temporary; nothing published."""
    gunzip = Gunzip(name)
    validator = TripCsvValidator(taxi, name)
    crc = google_crc32c.Checksum()
    writer = landing.writer(relpath)
    advance = progress(download.content_length) if progress else None
    try:
        for chunk in download.chunks:
            for piece in gunzip.feed(chunk):
                validator.feed(piece)
                crc.update(piece)
                writer.write(piece)
            if advance:
                advance(len(chunk))
        gunzip.finish()
        validator.finish()
    except ValidationError as error:
        writer.abort()
        raise ValidationError(f"{error}; rejected, nothing was landed") from None
    except BaseException:
        writer.abort()
        raise
    return _Streamed(
        writer=writer,
        crc32c=base64.b64encode(crc.digest()).decode("ascii"),
        rows=validator.rows,
        bytes_compressed=gunzip.compressed_bytes,
        bytes_uncompressed=validator.bytes,
    )


def landed_difference(landing: Landing, record: ManifestRecord, *, verify: bool) -> str | None:
    """How the landed file differs from what the manifest says was landed, or None.

    Its size always; its CRC32C where the landing reports it for free (GCS), or, with
    `verify`, recomputed from the content (a local file is read in full).
    """
    relpath = f"{record.taxi}/{record.file}"
    stat = landing.stat(relpath)
    if stat is None:
        return "the landed file is missing: load the month again"
    if stat.size != record.bytes_uncompressed:
        return (
            f"the landed file changed since it was landed ({stat.size:,} bytes, landed "
            f"{record.bytes_uncompressed:,}): load the month again with --force"
        )
    checksum = stat.crc32c or (landing.crc32c(relpath) if verify else None)
    if checksum is not None and checksum != record.crc32c:
        return "the landed file's content changed since it was landed: load it again with --force"
    return None


def _write_record(landing: Landing, taxi: TaxiType, month: Month, record: ManifestRecord) -> None:
    landing.write_text(manifest_path(taxi, month), record.to_json())


def _result(record: ManifestRecord, status: str, uri: str) -> LoadResult:
    return LoadResult(
        taxi=record.taxi,
        month=record.month,
        file=record.file,
        status=status,
        rows=record.rows,
        bytes_compressed=record.bytes_compressed,
        bytes_uncompressed=record.bytes_uncompressed,
        seconds=0.0,
        uri=uri,
    )
