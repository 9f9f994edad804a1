"""`status`: what is landed and what is merged, per file, and whether the two reconcile."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass

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
from loader.output import megabytes

_NAME = re.compile(
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
    name = _NAME.search(where)
    taxi, month = (name["taxi"], name["month"]) if name else ("?", "?")
    return _unknown(taxi, month, where.rsplit("/", 1)[-1], str(error))


def _not_landed(landing: Landing, entry: MergedFile) -> FileStatus:
    """Rows merged from a file the manifest no longer lists."""
    name = _NAME.fullmatch(entry.filename)
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


def run_status(settings: Settings, *, as_json: bool = False, verify: bool = False) -> int:
    """Print the table (or JSON); exit 1 when a file is not merged or does not reconcile."""
    statuses = file_statuses(settings, verify=verify)
    if as_json:
        print(json.dumps([asdict(status) for status in statuses], indent=2))
    else:
        print(status_table(statuses))
    return 0 if all(status.reconciled for status in statuses) else 1


def status_table(statuses: list[FileStatus]) -> str:
    header = (
        f"{'taxi':<7}{'month':<9}{'format':<8}{'size':>10}{'rows landed':>13}{'rows merged':>13}"
        f"{'duplicates':>12}  {'merged':<11}{'landed at (UTC)':<20}"
    )
    lines = [header, "-" * len(header)]
    for status in statuses:
        merged = (
            "-" if status.rows_merged is None or status.unreadable else f"{status.rows_merged:,}"
        )
        duplicates = "-" if status.duplicates_removed is None else f"{status.duplicates_removed:,}"
        size = "-" if status.bytes is None else megabytes(status.bytes)
        landed = "-" if status.rows_landed is None else f"{status.rows_landed:,}"
        when = (status.landed_at or "-")[:19].replace("T", " ")
        lines.append(
            f"{status.taxi:<7}{status.month:<9}{_format(status.file):<8}{size:>10}{landed:>13}"
            f"{merged:>13}"
            f"{duplicates:>12}  {_merged_word(status):<11}{when:<20}"
        )
        if status.problem:
            lines.append(f"       ! {status.problem}")
    if not statuses:
        lines.append("nothing landed yet: run make load MONTH=YYYY-MM")
        return "\n".join(lines)
    landed = sum(status.rows_landed or 0 for status in statuses)
    merged_rows = sum(status.rows_merged or 0 for status in statuses)
    duplicates = sum(status.duplicates_removed or 0 for status in statuses)
    lines.append("-" * len(header))
    lines.append(
        f"{'total':<24}{'':>10}{landed:>13,}{merged_rows:>13,}{duplicates:>12,}  "
        f"{sum(status.reconciled for status in statuses)}/{len(statuses)} reconciled"
    )
    return "\n".join(lines)


def _source_format(file: str) -> str:
    return " TLC_SOURCE_FORMAT=parquet" if file.endswith(".parquet") else ""


def _format(file: str) -> str:
    name = _NAME.search(file)
    return name["format"] if name and name["format"] != "json" else "?"


def _merged_word(status: FileStatus) -> str:
    if status.unreadable:
        return "unreadable"
    if status.bytes is None:
        return "not landed" if status.rows_merged else "?"
    return "yes" if status.merged else "no"
