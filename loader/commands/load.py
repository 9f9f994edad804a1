"""`load`: land one month of one or all taxi types."""

from __future__ import annotations

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
