"""`sync`, the scheduled entry point: load every due month not landed yet, then build.

Which months are due is loader/due.py's rule (the Dagster schedule follows it too): from
SYNC_FROM to the current month in the schedule's timezone, not landed yet, once published. A
probe that fails (a 403, a 5xx after its retries) is reported at the end and the other months
go on. Run from cron, it catches up whatever a missed run skipped.
"""

from __future__ import annotations

import argparse
from datetime import datetime, timezone

from loader.arguments import (
    TAXI_HELP,
    Shared,
    Subcommands,
    instant,
    positive_int,
    settings_from,
    taxis,
)
from loader.config import Settings
from loader.dbt_runner import DbtWarmup, build_if_landed
from loader.due import plan_sync
from loader.land import land_many
from loader.landing import open_landing
from loader.output import Console, report_failures
from loader.runs import Run, save_run
from loader.taxis import TaxiType

SYNC_LOCK = "sync"


def run_sync(
    settings: Settings,
    taxis: list[TaxiType],
    *,
    now: datetime | None = None,
    jobs: int = 4,
    build: bool = True,
    as_json: bool = False,
) -> int:
    landing = open_landing(settings)
    with landing.try_lock(SYNC_LOCK) as acquired:
        if not acquired:
            print("sync: another sync is running (its lock is held); nothing to do", flush=True)
            return 0
        run = Run("sync")
        warmup = DbtWarmup() if build else None  # dbt's import overlaps the probes and loads
        now = now or datetime.now(timezone.utc)
        plan = plan_sync(settings, taxis, now, jobs=jobs, landing=landing)
        with Console(len(plan.published), quiet=as_json) as console:
            if not as_json:
                console.line(
                    f"sync at {now.astimezone(settings.schedule_tz):%Y-%m-%d %H:%M %Z}: due "
                    f"{plan.span}, {plan.landed} landed, {len(plan.published)} to load, "
                    f"{plan.waiting} not published yet"
                )
            results, failures = land_many(settings, plan.published, jobs=jobs, console=console)
            failures = plan.probe_failures + failures
            report_failures(console, failures, len(plan.missing))
            run.finish(results, failures)
            try:
                run.build = build_if_landed(settings, results, build, console, warmup)
            finally:
                save_run(settings, run)
        if as_json:
            print(run.to_json())
        return 1 if failures else 0


def add_parser(commands: Subcommands, shared: Shared) -> None:
    parser = commands.add_parser(
        "sync",
        parents=[shared.common, shared.location, shared.as_json],
        help="scheduled catch-up: load every due month not landed yet, then build",
        description="Load every month from SYNC_FROM to the current month (SCHEDULE_TZ) that is "
        "published and not landed yet, then build. Run it from cron or a systemd timer.",
    )
    parser.add_argument("--taxi", type=taxis, default=taxis("all"), help=TAXI_HELP)
    parser.add_argument("--jobs", type=positive_int, default=4, help="loads at once (4)")
    parser.add_argument("--no-build", action="store_true", help="land only; no dbt build")
    parser.add_argument(
        "--now", type=instant, default=None, help="pretend it is this time (ISO 8601 with zone)"
    )
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_sync(
        settings_from(args),
        args.taxi,
        now=args.now,
        jobs=args.jobs,
        build=not args.no_build,
        as_json=args.json,
    )
