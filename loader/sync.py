"""The scheduled entry point: load every due month not landed yet, then build.

Due months run from SYNC_FROM to the current month in the schedule's timezone (the seed's
trigger fires at 09:00 on the 1st in America/New_York and loads that month). A month the source
does not publish yet answers 404 to a HEAD request: it is skipped, not an error. Run from cron,
it catches up whatever a missed run skipped.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from loader.backfill import build_if_landed, land_many, report_failures
from loader.config import Settings
from loader.landing import open_landing
from loader.months import Month, month_range
from loader.source import Source
from loader.status import landed_records
from loader.taxis import TaxiType


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
) -> int:
    landing = open_landing(settings)
    with landing.try_lock("sync") as acquired:
        if not acquired:
            print("sync: another sync is running (its lock is held); nothing to do", flush=True)
            return 0
        now = now or datetime.now(timezone.utc)
        due = due_months(now, settings.schedule_tz, settings.sync_from)
        landed = {(record.taxi, record.month) for record in landed_records(landing)}
        missing = [
            (taxi, month)
            for month in due
            for taxi in taxis
            if (taxi.name, str(month)) not in landed
        ]
        published = _published(settings, missing, jobs)
        waiting = len(missing) - len(published)
        span = f"{due[0]}..{due[-1]}" if due else "none"
        print(
            f"sync at {now.astimezone(settings.schedule_tz):%Y-%m-%d %H:%M %Z}: due {span}, "
            f"{len(due) * len(taxis) - len(missing)} landed, {len(published)} to load, "
            f"{waiting} not published yet",
            flush=True,
        )
        results, failures = land_many(settings, published, jobs)
        report_failures(failures, len(published))
        build_if_landed(settings, results, build)
        return 1 if failures else 0


def _published(
    settings: Settings, tasks: list[tuple[TaxiType, Month]], jobs: int
) -> list[tuple[TaxiType, Month]]:
    """HEAD each candidate; keep those the source has (404 means not published yet)."""
    if not tasks:
        return []
    source = Source(settings)
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            flags = list(pool.map(lambda task: source.exists(source.url_for(*task)), tasks))
    finally:
        source.close()
    return [task for task, published in zip(tasks, flags, strict=True) if published]
