"""`load`: land one month of one or all taxi types."""

from __future__ import annotations

import argparse

from loader.arguments import TAXI_HELP, Shared, Subcommands, month, settings_from, taxis
from loader.config import Settings
from loader.land import land_many
from loader.months import Month
from loader.output import Console
from loader.runs import Run, save_run
from loader.taxis import TaxiType


def run_load(
    settings: Settings,
    taxis: list[TaxiType],
    months: list[Month],
    *,
    force: bool = False,
    as_json: bool = False,
) -> int:
    """Land each (taxi, month); carry on past a failure, name it, exit 1 if any failed.

    A single file that fails raises its error: the CLI prints it as the one line.
    """
    run = Run("load")
    tasks = [(taxi, month) for month in months for taxi in taxis]
    single = len(tasks) == 1
    with Console(len(tasks), quiet=as_json, failure_lines=not single) as console:
        results, failures = land_many(settings, tasks, force=force, console=console)
    save_run(settings, run.finish(results, failures))
    if as_json:
        print(run.to_json())
    if failures:
        names = ", ".join(f"{failure.taxi} {failure.month}" for failure in failures)
        console.error(
            f"error: {names}: {failures[0].reason}"
            if single
            else f"error: {len(failures)} of {len(tasks)} failed: {names}"
        )
        return 1
    return 0


def add_parser(commands: Subcommands, shared: Shared) -> None:
    parser = commands.add_parser(
        "load",
        parents=[shared.common, shared.location, shared.as_json],
        help="land one month of one or all taxi types",
        description="Download, check and land <taxi>_tripdata_YYYY-MM; a month already landed "
        "with identical content is skipped.",
    )
    parser.add_argument("--taxi", type=taxis, default=taxis("all"), help=TAXI_HELP)
    parser.add_argument("--month", type=month, required=True, help="the month, YYYY-MM")
    parser.add_argument(
        "--force", action="store_true", help="download even if the source looks unchanged"
    )
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_load(
        settings_from(args), args.taxi, [args.month], force=args.force, as_json=args.json
    )
