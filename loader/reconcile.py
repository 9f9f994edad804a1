"""Reconciliation: per landed file, what the manifest says was landed beside what the
warehouse merged (merge_log and the rows the merged tables hold now), and whether the two
account for every row. `status` prints it, the report shows it, and exit codes follow it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loader.config import Settings
from loader.landing import Landing, open_landing
from loader.landing.layout import record_file_relpath
from loader.landing.manifest import (
    ManifestError,
    ManifestRecord,
    landed_difference,
    landed_records,
)
from loader.merge_log import MergedFile, drop_missing_command, read_merged_files

FILE_NAME = re.compile(
    r"(?P<taxi>[a-z]+)_tripdata_(?P<month>[0-9]{4}-[0-9]{2})\.(?P<format>csv|parquet|json)"
)


@dataclass(frozen=True)
class FileStatus:
    taxi: str
    month: str
    file: str
    bytes: int | None  # None: not landed (or its manifest record is unreadable)
    rows_landed: int | None
    rows_merged: int | None
    duplicates_removed: int | None
    landed_at: str | None
    merged: bool
    unreadable: bool
    reconciled: bool
    problem: str | None


def merge_problem(record: ManifestRecord, entry: MergedFile | None) -> str | None:
    """Does what dbt merged account for every landed row of the file?"""
    if entry is None:
        return "landed, not merged yet: run make build"
    if entry.file_crc32c != record.crc32c:
        return "landed content changed since the last merge: run make build"
    if entry.status == "unreadable":
        return (
            f"unreadable: the warehouse could not read it ({entry.problem}); purge it and "
            f"load it again (make purge MONTH={record.month} TAXI={record.taxi} "
            f"FORMAT={record.file_format})"
        )
    if entry.rows_read != record.rows:
        return f"dbt read {entry.rows_read:,} rows, the manifest says {record.rows:,}"
    if entry.rows_now != entry.rows_merged:
        return (
            f"the merged table holds {entry.rows_now:,} rows of this file, "
            f"the merge recorded {entry.rows_merged:,}"
        )
    return None


def file_statuses(settings: Settings, *, verify: bool = False) -> list[FileStatus]:
    landing = open_landing(settings)
    merged = read_merged_files(settings)
    malformed: list[ManifestError] = []
    records = landed_records(landing, malformed)
    statuses = [_malformed(error) for error in malformed]
    known = {(record.taxi, record.file) for record in records}
    statuses += [
        _not_landed(landing, entry)
        for key, entry in sorted(merged.items())
        if key not in known and entry.rows_now > 0
    ]
    for record in records:
        entry = merged.get((record.taxi, record.file))
        problem = landed_difference(landing, record, verify=verify) or merge_problem(record, entry)
        statuses.append(
            FileStatus(
                taxi=record.taxi,
                month=record.month,
                file=record.file,
                bytes=record.bytes_uncompressed,
                rows_landed=record.rows,
                rows_merged=entry.rows_now if entry else None,
                duplicates_removed=entry.duplicates_removed if entry else None,
                landed_at=record.landed_at,
                merged=entry is not None
                and entry.file_crc32c == record.crc32c
                and entry.status == "merged",
                unreadable=entry is not None and entry.status == "unreadable",
                reconciled=problem is None,
                problem=problem,
            )
        )
    return sorted(statuses, key=lambda status: (status.taxi, status.month, status.file))


def _unknown(taxi: str, month: str, file: str, problem: str, **counts) -> FileStatus:
    return FileStatus(
        taxi=taxi,
        month=month,
        file=file,
        bytes=None,
        rows_landed=None,
        rows_merged=counts.get("rows_merged"),
        duplicates_removed=counts.get("duplicates_removed"),
        landed_at=None,
        merged=False,
        unreadable=False,
        reconciled=False,
        problem=problem,
    )


def _malformed(error: ManifestError) -> FileStatus:
    """A manifest record that cannot be read: shown, not fatal (purge is its cure)."""
    where = str(error).split(" is malformed", 1)[0]
    name = FILE_NAME.search(where)
    taxi, month = (name["taxi"], name["month"]) if name else ("?", "?")
    return _unknown(taxi, month, where.rsplit("/", 1)[-1], str(error))


def _not_landed(landing: Landing, entry: MergedFile) -> FileStatus:
    """Rows merged from a file the manifest no longer lists."""
    name = FILE_NAME.fullmatch(entry.filename)
    taxi, month = (entry.taxi, name["month"]) if name else (entry.taxi, "?")
    if landing.stat(record_file_relpath(entry.taxi, entry.filename)) is not None:
        problem = (
            f"its manifest record is gone but the file is still landed: load it again "
            f"(make load MONTH={month} TAXI={taxi}{_source_format(entry.filename)}) to record "
            "it; until then dbt refuses to build the table"
        )
    else:
        problem = (
            f"{entry.rows_now:,} rows merged from a file that is no longer landed: "
            f"{drop_missing_command(taxi)} drops them"
        )
    return _unknown(
        taxi,
        month,
        entry.filename,
        problem,
        rows_merged=entry.rows_now,
        duplicates_removed=entry.duplicates_removed,
    )


def _source_format(file: str) -> str:
    return " TLC_SOURCE_FORMAT=parquet" if file.endswith(".parquet") else ""
