"""Which months are due: the one rule `sync` and the Dagster schedule (loader/orchestrate)
both follow.

A month is due from SYNC_FROM up to the month `now` falls in at SCHEDULE_TZ (the seed's
trigger fires at 09:00 on the 1st in America/New_York and loads that month), for each type
from its first published month, until it is landed in the source format. A due month is
loaded once its file is published: a month the source does not publish yet answers 404 to a
probe and waits, not an error; a probe that fails (a 403, a 5xx after its retries) is that
month's failure, and the others go on.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from loader.config import Settings
from loader.errors import LoaderError
from loader.land import label
from loader.landing import Landing, open_landing
from loader.landing.manifest import landed_records
from loader.months import Month, month_range
from loader.results import Failure
from loader.source import Source
from loader.source.retry import with_retries
from loader.taxis import TaxiType


def due_months(now: datetime, schedule_tz: ZoneInfo, first: Month) -> list[Month]:
    """Months from `first` to the month `now` falls in, on the schedule's wall clock."""
    if now.tzinfo is None:
        raise ValueError("now must carry a timezone")
    local = now.astimezone(schedule_tz)
    current = Month(local.year, local.month)
    return list(month_range(first, current)) if first <= current else []


@dataclass(frozen=True)
class SyncPlan:
    """What a sync at a given time would load: the one rule `sync` and the Dagster schedule
    (loader/orchestrate) both follow."""

    due: list[Month]  # SYNC_FROM to the month `now` falls in, on the schedule's wall clock
    due_files: int  # (type, month) pairs due: months before a type's first file not counted
    missing: list[tuple[TaxiType, Month]]  # due and not landed in this source format
    published: list[tuple[TaxiType, Month]]  # of those, the ones the source has: to load
    probe_failures: list[Failure]  # a probe that failed: that month only, the others go on

    @property
    def span(self) -> str:
        """The due months as first..last, or none."""
        return f"{self.due[0]}..{self.due[-1]}" if self.due else "none"

    @property
    def landed(self) -> int:
        """Due files landed already in this source format."""
        return self.due_files - len(self.missing)

    @property
    def waiting(self) -> int:
        """Missing months the source does not publish yet (a 404): not an error."""
        return len(self.missing) - len(self.published) - len(self.probe_failures)


def plan_sync(
    settings: Settings,
    taxis: list[TaxiType],
    now: datetime,
    *,
    jobs: int = 4,
    landing: Landing | None = None,
) -> SyncPlan:
    """Every due month not landed yet, probed: a month is due from SYNC_FROM up to the month
    `now` falls in at SCHEDULE_TZ (the seed's trigger, 09:00 on the 1st in New York, loads the
    month of its date), and is loaded once its file is published."""
    landing = landing or open_landing(settings)
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
    published, probe_failures = published_months(settings, missing, jobs)
    return SyncPlan(due, due_files, missing, published, probe_failures)


def published_months(
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
