"""`status`: what is landed and what is merged, per file, and whether the two reconcile."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from loader.arguments import Shared, Subcommands, settings_from
from loader.config import Settings
from loader.output import megabytes
from loader.reconcile import FILE_NAME, FileStatus, file_statuses


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


def _format(file: str) -> str:
    name = FILE_NAME.search(file)
    return name["format"] if name and name["format"] != "json" else "?"


def _merged_word(status: FileStatus) -> str:
    if status.unreadable:
        return "unreadable"
    if status.bytes is None:
        return "not landed" if status.rows_merged else "?"
    return "yes" if status.merged else "no"


def add_parser(commands: Subcommands, shared: Shared) -> None:
    parser = commands.add_parser(
        "status",
        parents=[shared.common, shared.location],
        help="landed files, merged rows, reconciliation",
        description="Per landed file: size, rows landed, rows merged, duplicates removed, and "
        "whether it reconciles. Exits 1 when a file is not merged, unreadable or off.",
    )
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="recompute each local landed file's CRC32C (GCS objects are always checked)",
    )
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_status(settings_from(args), as_json=args.json, verify=args.verify)
