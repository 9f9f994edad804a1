"""`report`: one self-contained HTML page of what the warehouse holds (make report)."""

from __future__ import annotations

import argparse
import os
from datetime import datetime, timezone
from pathlib import Path

from loader.arguments import Shared, Subcommands, settings_from
from loader.config import PROJECT_ROOT, Settings
from loader.errors import LoaderError
from loader.reconcile import file_statuses
from loader.report.queries import open_warehouse, read_report_data

DEFAULT_OUTPUT = PROJECT_ROOT / "report" / "taxi-elt.html"


def run_report(settings: Settings, output: Path | None = None) -> int:
    """Read the marts and the per-file statuses, write the page, print its path."""
    from loader.report.page import render_page  # matplotlib: imported by this verb only

    with open_warehouse(settings) as warehouse:
        data = read_report_data(warehouse)
    # After the marts' connection is closed: file_statuses opens the warehouse on its own.
    files = file_statuses(settings)
    generated_at = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    path = write_page(render_page(data, files, generated_at=generated_at), output)
    print(f"report: {path}")
    return 0


def write_page(page: str, output: Path | None) -> Path:
    """Write atomically (a temporary beside it, then a rename): never a half page."""
    path = (output or DEFAULT_OUTPUT).resolve()
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_text(page, encoding="utf-8")
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise LoaderError(
            f"cannot write the report to {path} ({error.strerror or error}); "
            "pick another path with --output (make report OUT=...)"
        ) from error
    return path


def add_parser(commands: Subcommands, shared: Shared) -> None:
    parser = commands.add_parser(
        "report",
        parents=[shared.common, shared.location],
        help="write one self-contained HTML page of what the warehouse holds",
        description="Per landed file: rows landed, merged, duplicates, reconciliation; trips "
        "and revenue per month and taxi type; the top pickup zones; from the marts of the "
        "target (DBT_TARGET). Needs make build first.",
    )
    parser.add_argument(
        "--output", type=Path, default=None, help="the HTML file (report/taxi-elt.html)"
    )
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_report(settings_from(args), args.output)
