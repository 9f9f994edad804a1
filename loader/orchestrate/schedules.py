"""A job and a monthly schedule per taxi type.

The job lands a type's months, then runs one `dbt build` of the whole project (the build
`make backfill` runs: the marts read every type). The schedule ticks at 09:00 on the 1st in
SCHEDULE_TZ (America/New_York by default, as the seed's trigger) and asks for the months
`sync` would load at that moment, by the same rule (loader.due.plan_sync): every
month from SYNC_FROM to the month of the tick's date, on the New York wall clock, that is not
landed yet and whose file the source publishes. So a tick at 2021-02-01 09:00 New York time
asks for 2021-02 (and any earlier month still missing); at 04:30 UTC on the 1st it is still
the last day of the month before in New York, and February is not due yet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import dagster as dg
from dagster import ScheduleEvaluationContext

from loader.config import Settings
from loader.due import plan_sync
from loader.months import Month
from loader.orchestrate.landing import LANDING_GROUP, landed_file_key
from loader.taxis import TaxiType

if TYPE_CHECKING:
    from dagster._core.definitions.unresolved_asset_job_definition import (
        UnresolvedAssetJobDefinition,
    )

CRON = "0 9 1 * *"  # 09:00 on the 1st, in SCHEDULE_TZ


def land_and_build_job(taxi: TaxiType, settings: Settings) -> UnresolvedAssetJobDefinition:
    return dg.define_asset_job(
        f"{taxi.name}_land_and_build",
        # The landed files of the type and the whole dbt project: the build `make backfill`
        # runs (the marts read every type, and a fresh warehouse needs the seeds too).
        selection=dg.AssetSelection.assets(landed_file_key(taxi))
        | (dg.AssetSelection.all() - dg.AssetSelection.groups(LANDING_GROUP)),
        description=f"Land {taxi.name} months, then one dbt build of what reads them.",
    )


def spans(months: list[Month]) -> list[tuple[Month, Month]]:
    """Consecutive months as (first, last) runs: one run request each."""
    runs: list[tuple[Month, Month]] = []
    for month in sorted(months):
        if runs and runs[-1][1].next() == month:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs


def monthly_schedule(
    taxi: TaxiType, settings: Settings, job: UnresolvedAssetJobDefinition
) -> dg.ScheduleDefinition:
    @dg.schedule(
        name=f"{taxi.name}_monthly",
        cron_schedule=CRON,
        execution_timezone=settings.schedule_tz.key,
        job=job,
        description=f"The {taxi.name} months `sync` would load now, then one build.",
    )
    def monthly(context: ScheduleEvaluationContext) -> Iterator[dg.RunRequest | dg.SkipReason]:
        now = context.scheduled_execution_time
        plan = plan_sync(settings, [taxi], now)
        for failure in plan.probe_failures:
            context.log.warning(f"{failure.taxi} {failure.month}: {failure.reason}")
        months = [month for _, month in plan.published]
        if not months:
            yield dg.SkipReason(
                f"{taxi.name}: due {plan.span}, {plan.landed} landed, "
                f"{plan.waiting} not published yet, {len(plan.probe_failures)} probe(s) failed"
            )
            return
        tick = now.strftime("%Y-%m-%dT%H:%M%z")
        for first, last in spans(months):
            yield dg.RunRequest(
                run_key=f"{taxi.name} {first}..{last} at {tick}",
                tags={
                    "dagster/asset_partition_range_start": str(first),
                    "dagster/asset_partition_range_end": str(last),
                },
            )

    return monthly
