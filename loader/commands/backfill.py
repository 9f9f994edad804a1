"""`backfill`: land a range of months, several at once, carrying on past failures; then build."""

from __future__ import annotations

import argparse

from loader.arguments import (
    TAXI_HELP,
    Shared,
    Subcommands,
    month,
    positive_int,
    selector,
    settings_from,
    taxis,
)
from loader.config import Settings
from loader.dbt_runner import DbtWarmup, build_if_landed
from loader.errors import UsageError
from loader.land import land_many
from loader.months import Month, month_range
from loader.output import Console, report_failures
from loader.runs import Run, save_run
from loader.taxis import TaxiType


def run_backfill(
    settings: Settings,
    taxis: list[TaxiType],
    first: Month,
    last: Month,
    *,
    jobs: int,
    build: bool,
    force: bool = False,
    as_json: bool = False,
    select: list[str] | None = None,
) -> int:
    run = Run("backfill")
    tasks = [(taxi, month) for month in month_range(first, last) for taxi in taxis]
    warmup = DbtWarmup() if build else None  # dbt's import overlaps the downloads
    with Console(len(tasks), quiet=as_json) as console:
        results, failures = land_many(settings, tasks, jobs=jobs, force=force, console=console)
        landed = sum(result.status != "unchanged" for result in results)
        if not as_json:
            console.line(
                f"backfill {first}..{last}: {landed} landed, "
                f"{len(results) - landed} unchanged, {len(failures)} failed"
            )
        report_failures(console, failures, len(tasks))
        run.finish(results, failures)
        try:
            dbt_args = ["--select", *select, "--indirect-selection", "cautious"] if select else []
            run.build = build_if_landed(settings, results, build, console, warmup, dbt_args)
        finally:
            save_run(settings, run)
    if as_json:
        print(run.to_json())
    return 1 if failures else 0


def add_parser(commands: Subcommands, shared: Shared) -> None:
    parser = commands.add_parser(
        "backfill",
        parents=[shared.common, shared.location, shared.as_json],
        help="land a range of months, then one dbt build",
        description="Land every month from --from to --to, --jobs at once, carrying on past "
        "failures (named at the end), then run one dbt build for all that landed.",
    )
    parser.add_argument("--from", dest="first", type=month, required=True, help="YYYY-MM")
    parser.add_argument("--to", dest="last", type=month, required=True, help="YYYY-MM")
    parser.add_argument("--taxi", type=taxis, default=taxis("all"), help=TAXI_HELP)
    parser.add_argument("--jobs", type=positive_int, default=4, help="loads at once (4)")
    parser.add_argument("--no-build", action="store_true", help="land only; no dbt build")
    parser.add_argument("--force", action="store_true", help="download even if unchanged")
    parser.add_argument(
        "--select",
        nargs="+",
        type=selector,
        default=[],
        metavar="SELECTOR",
        help="build only these dbt nodes and their tests, e.g. yellow_tripdata (dbt --select)",
    )
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    if args.last < args.first:
        raise UsageError(f"--to {args.last} is before --from {args.first} (see --help)")
    return run_backfill(
        settings_from(args),
        args.taxi,
        args.first,
        args.last,
        jobs=args.jobs,
        build=not args.no_build,
        force=args.force,
        as_json=args.json,
        select=args.select,
    )
