"""`backfill`: land a range of months, several at once, carrying on past failures; then build."""

from __future__ import annotations

from loader.config import Settings
from loader.dbt_runner import DbtWarmup, build_if_landed
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
