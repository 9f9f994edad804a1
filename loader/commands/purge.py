"""`purge`: remove a landed month and its manifest record so it can be loaded again."""

from __future__ import annotations

import argparse

from loader.arguments import TAXI_CHOICES, Shared, Subcommands, month, settings_from, taxis
from loader.config import SOURCE_FORMATS, Settings
from loader.errors import UsageError
from loader.landing import open_landing
from loader.landing.layout import file_lock, landed_relpath, manifest_relpath
from loader.landing.manifest import ManifestError, read_record
from loader.merge_log import drop_missing_command
from loader.months import Month
from loader.taxis import TaxiType


def run_purge(
    settings: Settings,
    taxis: list[TaxiType],
    month: Month,
    formats: list[str] | None = None,
    *,
    yes: bool,
) -> int:
    landing = open_landing(settings)
    if not yes:
        raise UsageError(
            f"purge removes landed files for {month}; add --yes to confirm (make purge passes it)"
        )
    purged = []
    for taxi in taxis:
        found = False
        for file_format in formats or ["csv"]:
            with landing.lock(file_lock(taxi, month)):
                try:
                    record = read_record(landing, taxi, month, file_format)
                except ManifestError:
                    record = None  # a malformed record is exactly what purge is for
                # The manifest record goes first: a crash in between leaves a file nobody
                # merges, which the next load of the month repairs, never a record without
                # its file.
                had_record = landing.delete(manifest_relpath(taxi, month, file_format))
                had_file = landing.delete(landed_relpath(taxi, month, file_format))
            if not (had_record or had_file):
                continue
            found = True
            rows = f" ({record.rows:,} rows)" if record else ""
            print(
                f"purged     {taxi.landed_name(month, file_format)}{rows}: removed "
                f"{landing.file_uri(landed_relpath(taxi, month, file_format))} and its "
                "manifest record"
            )
        if found:
            purged.append(taxi)
        else:
            shown = "" if formats is None or len(formats) > 1 else f" as {formats[0]}"
            print(f"nothing landed for {taxi.name} {month}{shown}")
    for taxi in purged:
        print(
            f"Its rows stay in {taxi.name}_tripdata until `{drop_missing_command(taxi.name)}` "
            "rebuilds the table from the files still landed; until then dbt refuses to build "
            "the table and `status` reports them. Or load the month again."
        )
    return 0


def add_parser(commands: Subcommands, shared: Shared) -> None:
    parser = commands.add_parser(
        "purge",
        parents=[shared.common, shared.location],
        help="remove a landed month and its manifest record",
        description="Remove one taxi type's landed month and its manifest record, so it can be "
        "loaded again; `dbt build --full-refresh --vars 'allow_missing_files: true'` then rebuilds "
        "the table without it.",
    )
    parser.add_argument("--taxi", type=taxis, required=True, help=f"taxi type: {TAXI_CHOICES}")
    parser.add_argument("--month", type=month, required=True, help="the month, YYYY-MM")
    parser.add_argument(
        "--format",
        dest="formats",
        choices=[*SOURCE_FORMATS, "all"],
        default="all",
        help="which landed format of the month to remove: csv, parquet or all (default all)",
    )
    parser.add_argument("--yes", action="store_true", help="confirm the removal")
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    formats = list(SOURCE_FORMATS) if args.formats == "all" else [args.formats]
    return run_purge(settings_from(args), args.taxi, args.month, formats, yes=args.yes)
