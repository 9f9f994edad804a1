"""Land files: download, gunzip, check and write in one streaming pass, then publish.

`land_month` lands one (taxi, month); `land_many` lands any number, a bounded number at once,
carrying on past failures. Every command that loads goes through `land_many`. Memory stays
flat: chunks of about a megabyte flow through; nothing holds the month.
"""

from __future__ import annotations

import base64
import errno
import hashlib
import io
import logging
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

import google_crc32c

from loader.checks import Gunzip, TripCsvCheck
from loader.checks.background import InBackground
from loader.config import Settings
from loader.errors import LandingError, LoaderError, UsageError, ValidationError
from loader.landing import Landing, LandingWriter, open_landing
from loader.landing.layout import file_lock, landed_relpath
from loader.landing.manifest import (
    ManifestRecord,
    landed_difference,
    read_record,
    utc_now,
    write_record,
)
from loader.months import Month
from loader.output import Console
from loader.results import Failure, LoadResult
from loader.source import Download, Source, redact
from loader.source.retry import with_retries
from loader.taxis import TaxiType

log = logging.getLogger(__name__)

Progress = Callable[[int], None]


class Interrupted(LoaderError):
    """The run was asked to stop (SIGINT, SIGTERM): what was in flight is discarded."""

    exit_code = 130


def label(taxi: TaxiType, month: Month) -> str:
    """How every message about one file starts: 'green 2021-01'."""
    return f"{taxi.name} {month}"


def land_month(
    settings: Settings,
    landing: Landing,
    source: Source,
    taxi: TaxiType,
    month: Month,
    *,
    force: bool = False,
    progress: Callable[[int | None], Progress] | None = None,
    stop: threading.Event | None = None,
) -> LoadResult:
    """Land `taxi` `month` unless identical content is already landed."""
    started = time.monotonic()
    with landing.lock(file_lock(taxi, month)):
        _refuse_other_format(landing, taxi, month, source.file_format)
        previous = read_record(landing, taxi, month, source.file_format)
        intact = previous is not None and landed_difference(landing, previous, verify=force) is None
        # Ask the source for the file only if it changed since the landing we hold, and only
        # the source that issued the validator: a 304 from another (the real source after the
        # demo's mirror) says nothing about what we hold. Another source: download, compare.
        same_source = previous is not None and previous.source_url == redact(
            source.url_for(taxi, month)
        )
        if_validator = (
            previous.source_validator if previous and intact and same_source and not force else None
        )
        result = with_retries(
            settings.http_tries,
            settings.http_backoff,
            lambda: _land_once(
                landing, source, taxi, month, previous, intact, if_validator, progress, stop
            ),
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
    stop: threading.Event | None,
) -> LoadResult:
    file_format = source.file_format
    relpath = landed_relpath(taxi, month, file_format)
    url = source.url_for(taxi, month)
    download = source.open(url, label(taxi, month), if_validator=if_validator)
    if download is None:  # HTTP 304 / same size and mtime: the landed file is current
        assert previous is not None
        return _result(previous, "unchanged", landing.file_uri(relpath))
    stream = _stream_parquet if file_format == "parquet" else _stream
    try:
        streamed = stream(download, landing, relpath, taxi, month, progress, stop)
    finally:
        download.close()
    checksum, writer = streamed.crc32c, streamed.writer
    if previous is not None and intact and previous.crc32c == checksum:
        writer.abort()
        source_url = redact(url)
        md5 = previous.md5 or streamed.md5  # the same content: a record from before md5 gains it
        if (previous.source_validator, previous.source_url, previous.md5) != (
            download.validator,
            source_url,
            md5,
        ):
            write_record(
                landing,
                replace(
                    previous, source_validator=download.validator, source_url=source_url, md5=md5
                ),
            )
        return _result(previous, "unchanged", landing.file_uri(relpath))
    writer.commit(checksum)
    replaced = previous is not None and previous.crc32c != checksum
    record = ManifestRecord(
        taxi=taxi.name,
        month=str(month),
        file=taxi.landed_name(month, file_format),
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
        md5=streamed.md5,
    )
    write_record(landing, record)
    status = "replaced" if replaced else ("repaired" if previous is not None else "landed")
    return _result(record, status, record.uri)


@dataclass(frozen=True)
class _Streamed:
    """A checked file in a temporary, not yet published."""

    writer: LandingWriter
    crc32c: str
    rows: int
    bytes_compressed: int
    bytes_uncompressed: int
    md5: str | None = None  # parquet only: DuckDB cannot read a CRC32C, it can an MD5


def _refuse_other_format(landing: Landing, taxi: TaxiType, month: Month, file_format: str):
    """A type whose CSV and parquet files carry different columns gets different keys for the
    same trip from each: one month, one format, or its trips would be merged twice."""
    if taxi.keys_alike_across_formats:
        return
    other = "csv" if file_format == "parquet" else "parquet"
    if read_record(landing, taxi, month, other) is not None:
        raise UsageError(
            f"{label(taxi, month)}: the {other} file of this month is landed, and {taxi.name} "
            f"CSV and parquet files carry different columns (the same trip would be merged "
            f"twice); make purge MONTH={month} TAXI={taxi.name} FORMAT={other} first"
        )


def _stream(
    download: Download,
    landing: Landing,
    relpath: str,
    taxi: TaxiType,
    month: Month,
    progress: Callable[[int | None], Progress] | None,
    stop: threading.Event | None,
) -> _Streamed:
    """The one pass: compressed chunks in, checked CSV out to a temporary; nothing published."""
    name = label(taxi, month)
    gunzip = Gunzip(name)
    check = TripCsvCheck(taxi, name)
    crc = google_crc32c.Checksum()
    writer = landing.writer(relpath)
    advance = progress(download.content_length) if progress else None
    checking = InBackground(check)  # the value scan overlaps the gunzip (both free the GIL)
    try:
        for chunk in download.chunks:
            if stop is not None and stop.is_set():
                raise Interrupted(f"{name}: interrupted; nothing was landed")
            for piece in gunzip.feed(chunk):
                checking.feed(piece)
                crc.update(piece)
                writer.write(piece)
            if advance:
                advance(len(chunk))
        gunzip.finish()
        checking.finish()
    except ValidationError as error:
        writer.abort()
        raise ValidationError(f"{error}; rejected, nothing was landed") from error
    except BaseException:
        writer.abort()
        raise
    finally:
        checking.close()
    return _Streamed(
        writer=writer,
        crc32c=base64.b64encode(crc.digest()).decode("ascii"),
        rows=check.rows,
        bytes_compressed=gunzip.compressed_bytes,
        bytes_uncompressed=check.bytes,
    )


class _Sink(io.RawIOBase):
    """What the parquet writer writes to: the landing's writer, checksummed and counted."""

    def __init__(self, writer: LandingWriter) -> None:
        self._writer = writer
        self._crc = google_crc32c.Checksum()
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._count = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes | bytearray | memoryview) -> int:  # type: ignore[override]
        piece = bytes(data)
        self._crc.update(piece)
        self._md5.update(piece)
        self._writer.write(piece)
        self._count += len(piece)
        return len(piece)

    def tell(self) -> int:
        return self._count

    @property
    def crc32c(self) -> str:
        return base64.b64encode(self._crc.digest()).decode("ascii")

    @property
    def md5(self) -> str:
        return self._md5.hexdigest()


def _stream_parquet(
    download: Download,
    landing: Landing,
    relpath: str,
    taxi: TaxiType,
    month: Month,
    progress: Callable[[int | None], Progress] | None,
    stop: threading.Event | None,
) -> _Streamed:
    """Download to a spool file (TMPDIR: a parquet footer comes last), check it, write it
    canonical to a temporary of the landing; nothing published. The spool always goes."""
    from loader.checks.parquet import ParquetCheck  # pyarrow: imported by parquet loads only

    name = label(taxi, month)
    advance = progress(download.content_length) if progress else None
    downloaded = 0
    with tempfile.NamedTemporaryFile(prefix="taxi-elt-", suffix=".parquet") as spool:
        try:
            for chunk in download.chunks:
                if stop is not None and stop.is_set():
                    raise Interrupted(f"{name}: interrupted; nothing was landed")
                spool.write(chunk)
                downloaded += len(chunk)
                if advance:
                    advance(len(chunk))
            spool.flush()
        except OSError as error:
            full = "no space left" if error.errno == errno.ENOSPC else error.strerror
            raise LandingError(
                f"{name}: cannot spool the download in {tempfile.gettempdir()} ({full}); free "
                "space there or point TMPDIR elsewhere; nothing was landed"
            ) from error
        writer = landing.writer(relpath)
        sink = _Sink(writer)
        try:
            checked = ParquetCheck(taxi, month, name).land(Path(spool.name), sink)
        except ValidationError as error:
            writer.abort()
            raise ValidationError(f"{error}; rejected, nothing was landed") from error
        except BaseException:
            writer.abort()
            raise
    return _Streamed(
        writer=writer,
        crc32c=sink.crc32c,
        rows=checked.rows,
        bytes_compressed=downloaded,
        bytes_uncompressed=checked.bytes_written,
        md5=sink.md5,
    )


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


def land_many(
    settings: Settings,
    tasks: list[tuple[TaxiType, Month]],
    *,
    jobs: int = 1,
    force: bool = False,
    console: Console,
) -> tuple[list[LoadResult], list[Failure]]:
    """Land every task, at most `jobs` at once; a line per file as each one finishes.

    One file's failure never stops the others. On an interrupt the files in flight stop at
    their next chunk and are discarded (their temporaries removed); nothing half-landed stays.
    """
    landing = open_landing(settings)
    results: list[LoadResult] = []
    asked = tasks
    tasks, failures = _published_only(tasks, settings.source_format, console)
    sources = threading.local()
    stop = threading.Event()

    def land(taxi: TaxiType, month: Month) -> LoadResult:
        if not hasattr(sources, "source"):
            sources.source = Source(settings)  # a connection pool per thread
        bar = console.file_bar(taxi.source_name(month, settings.source_format))
        try:
            return land_month(
                settings, landing, sources.source, taxi, month, force=force, progress=bar, stop=stop
            )
        finally:
            bar.close()

    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="load")
    try:
        futures = {pool.submit(land, taxi, month): (taxi, month) for taxi, month in tasks}
        for future in as_completed(futures):
            taxi, month = futures[future]
            try:
                result = future.result()
            except Exception as error:  # one month's failure never stops the others
                log.debug("%s failed", label(taxi, month), exc_info=True)
                failures.append(Failure(taxi.name, str(month), _reason(error, label(taxi, month))))
                console.failed(failures[-1])
            else:
                results.append(result)
                console.landed(result)
    except BaseException:
        stop.set()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
    order = {(taxi.name, str(month)): index for index, (taxi, month) in enumerate(asked)}
    results.sort(key=lambda result: order[(result.taxi, result.month)])
    failures.sort(key=lambda failure: order[(failure.taxi, failure.month)])
    return results, failures


def _published_only(
    tasks: list[tuple[TaxiType, Month]], file_format: str, console: Console
) -> tuple[list[tuple[TaxiType, Month]], list[Failure]]:
    """Months before a type's first published month are not asked for: a failure when the
    run is about that one type, one skipped line per type when it covers several."""
    early = [(taxi, month) for taxi, month in tasks if month < taxi.first_published(file_format)]
    if not early:
        return tasks, []
    several = len({taxi.name for taxi, _ in tasks}) > 1
    failures = []
    for taxi in dict.fromkeys(taxi for taxi, _ in early):
        months = [month for t, month in early if t is taxi]
        first = taxi.first_published(file_format)
        why = (
            taxi.parquet_first_reason
            if file_format == "parquet" and taxi.parquet_first_month == first
            else f"the TLC publishes {taxi.name} trips from {taxi.first_month}"
        )
        span = f"{months[0]}..{months[-1]}" if len(months) > 1 else str(months[0])
        if several:
            console.line(f"skipped    {taxi.name} {span}: {why} ({file_format} from {first})")
        else:
            failures += [
                Failure(taxi.name, str(month), f"not published: {why} ({file_format} from {first})")
                for month in months
            ]
            for failure in failures[-len(months) :]:
                console.failed(failure)
    return [task for task in tasks if task not in early], failures


def _reason(error: Exception, name: str) -> str:
    """What went wrong, without the 'green 2021-01: ' every message of the file starts with."""
    if isinstance(error, LoaderError):
        return str(error).removeprefix(f"{name}: ")
    return f"unexpected {type(error).__name__}: {str(error)[:200]} (rerun with --debug)"
