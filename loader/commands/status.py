"""`status`: what is landed and what is merged, per file, and whether the two reconcile."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass

from loader.config import Settings
from loader.landing import open_landing
from loader.landing.manifest import ManifestRecord, landed_difference, landed_records
from loader.merge_log import MergedFile, read_merged_files
from loader.output import megabytes


@dataclass(frozen=True)
class FileStatus:
    taxi: str
    month: str
    file: str
    bytes: int
    rows_landed: int
    rows_merged: int | None
    duplicates_removed: int | None
    landed_at: str
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
            f"load it again (make purge MONTH={record.month} TAXI={record.taxi})"
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
    statuses = []
    for record in landed_records(landing):
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
    return statuses


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
        f"{'taxi':<7}{'month':<9}{'size':>10}{'rows landed':>13}{'rows merged':>13}"
        f"{'duplicates':>12}  {'merged':<11}{'landed at (UTC)':<20}"
    )
    lines = [header, "-" * len(header)]
    for status in statuses:
        merged = "-" if status.rows_merged is None else f"{status.rows_merged:,}"
        duplicates = "-" if status.duplicates_removed is None else f"{status.duplicates_removed:,}"
        lines.append(
            f"{status.taxi:<7}{status.month:<9}{megabytes(status.bytes):>10}"
            f"{status.rows_landed:>13,}{merged:>13}{duplicates:>12}  "
            f"{_merged_word(status):<11}{status.landed_at[:19].replace('T', ' '):<20}"
        )
        if status.problem:
            lines.append(f"       ! {status.problem}")
    if not statuses:
        lines.append("nothing landed yet: run make load MONTH=YYYY-MM")
        return "\n".join(lines)
    landed = sum(status.rows_landed for status in statuses)
    merged_rows = sum(status.rows_merged or 0 for status in statuses)
    duplicates = sum(status.duplicates_removed or 0 for status in statuses)
    lines.append("-" * len(header))
    lines.append(
        f"{'total':<16}{'':>10}{landed:>13,}{merged_rows:>13,}{duplicates:>12,}  "
        f"{sum(status.reconciled for status in statuses)}/{len(statuses)} reconciled"
    )
    return "\n".join(lines)


def _merged_word(status: FileStatus) -> str:
    if status.unreadable:
        return "unreadable"
    return "yes" if status.merged else "no"
