"""`sync`, the scheduled entry point: load every due month not landed yet, then build.

Due months run from SYNC_FROM to the current month in the schedule's timezone (the seed's
trigger fires at 09:00 on the 1st in America/New_York and loads that month). A month the source
does not publish yet answers 404 to a probe: it is skipped, not an error. A probe that fails
(a 403, a 5xx after its retries) is reported at the end and the other months go on. Run from
cron, it catches up whatever a missed run skipped.
"""

from __future__ import annotations

import argparse
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

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
from loader.errors import LoaderError
from loader.land import label, land_many
from loader.landing import open_landing
from loader.landing.manifest import landed_records
from loader.months import Month, month_range
from loader.output import Console, report_failures
from loader.results import Failure
from loader.runs import Run, save_run
from loader.source import Source
from loader.source.retry import with_retries
from loader.taxis import TaxiType

SYNC_LOCK = "sync"


def due_months(now: datetime, schedule_tz: ZoneInfo, first: Month) -> list[Month]:
    """Months from `first` to the month `now` falls in, on the schedule's wall clock."""
    if now.tzinfo is None:
        raise ValueError("now must carry a timezone")
    local = now.astimezone(schedule_tz)
    current = Month(local.year, local.month)
    return list(month_range(first, current)) if first <= current else []


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
        due = due_months(now, settings.schedule_tz, settings.sync_from)
        landed = {
            (record.taxi, record.month)
            for record in landed_records(landing)
            if record.file_format == settings.source_format
        }
        # Months before a type was first published are not due for it.
        missing = [
            (taxi, month)
            for month in due
            for taxi in taxis
            if (taxi.name, str(month)) not in landed
            and month >= taxi.first_published(settings.source_format)
        ]
        due_files = sum(
            month >= taxi.first_published(settings.source_format) for month in due for taxi in taxis
        )
        published, probe_failures = _published(settings, missing, jobs)
        waiting = len(missing) - len(published) - len(probe_failures)
        span = f"{due[0]}..{due[-1]}" if due else "none"
        with Console(len(published), quiet=as_json) as console:
            if not as_json:
                console.line(
                    f"sync at {now.astimezone(settings.schedule_tz):%Y-%m-%d %H:%M %Z}: due "
                    f"{span}, {due_files - len(missing)} landed, {len(published)} "
                    f"to load, {waiting} not published yet"
                )
            results, failures = land_many(settings, published, jobs=jobs, console=console)
            failures = probe_failures + failures
            report_failures(console, failures, len(missing))
            run.finish(results, failures)
            try:
                run.build = build_if_landed(settings, results, build, console, warmup)
            finally:
                save_run(settings, run)
        if as_json:
            print(run.to_json())
        return 1 if failures else 0


def _published(
    settings: Settings, tasks: list[tuple[TaxiType, Month]], jobs: int
) -> tuple[list[tuple[TaxiType, Month]], list[Failure]]:
    """Probe each candidate; keep those the source has. A probe that fails is a failure of
    that month only: the others go on."""
    if not tasks:
        return [], []
    source = Source(settings)

    def probe(task: tuple[TaxiType, Month]) -> bool | Failure:
        taxi, month = task
        url = source.url_for(taxi, month)
        try:
            return with_retries(
                settings.http_tries,
                settings.http_backoff,
                lambda: source.exists(url, label(taxi, month)),
            )
        except LoaderError as error:
            return Failure(taxi.name, str(month), f"probe failed: {error}")

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            answers = list(pool.map(probe, tasks))
    finally:
        source.close()
    published = [task for task, answer in zip(tasks, answers, strict=True) if answer is True]
    failures = [answer for answer in answers if isinstance(answer, Failure)]
    return published, failures


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
