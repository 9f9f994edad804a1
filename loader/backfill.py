"""Land many (taxi, month) files at once, bounded, carrying on past failures; then one build."""

from __future__ import annotations

import logging
import sys
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from tqdm import tqdm

from loader.build import run_dbt
from loader.config import Settings
from loader.errors import LoaderError
from loader.landing import open_landing
from loader.load import LoadResult, load_month
from loader.months import Month, month_range
from loader.report import result_line
from loader.source import Source
from loader.taxis import TaxiType

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failure:
    taxi: str
    month: str
    reason: str


def land_many(
    settings: Settings, tasks: list[tuple[TaxiType, Month]], jobs: int, *, force: bool = False
) -> tuple[list[LoadResult], list[Failure]]:
    """Load every task with at most `jobs` at once; one line per file as each finishes."""
    landing = open_landing(settings)
    results: list[LoadResult] = []
    failures: list[Failure] = []
    printing = threading.Lock()
    sources = threading.local()

    def land(taxi: TaxiType, month: Month) -> LoadResult:
        if not hasattr(sources, "source"):
            sources.source = Source(settings)  # a requests session per thread
        return load_month(settings, landing, sources.source, taxi, month, force=force)

    show_bar = sys.stderr.isatty() and len(tasks) > 1
    with (
        ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="load") as pool,
        tqdm(total=len(tasks), unit="file", disable=not show_bar, leave=False) as bar,
    ):
        futures = {pool.submit(land, taxi, month): (taxi, month) for taxi, month in tasks}
        for future in as_completed(futures):
            taxi, month = futures[future]
            try:
                result = future.result()
            except Exception as error:  # one month's failure never stops the others
                log.debug("%s %s failed", taxi.name, month, exc_info=True)
                reason = _reason(error)
                failures.append(Failure(taxi.name, str(month), reason))
                line, stream = f"failed     {taxi.source_name(month)}  {reason}", sys.stderr
            else:
                results.append(result)
                line, stream = result_line(result), sys.stdout
            with printing:
                bar.clear()
                print(line, file=stream, flush=True)
                bar.update(1)
    order = {(taxi.name, str(month)): index for index, (taxi, month) in enumerate(tasks)}
    results.sort(key=lambda result: order[(result.taxi, result.month)])
    failures.sort(key=lambda failure: order[(failure.taxi, failure.month)])
    return results, failures


def _reason(error: Exception) -> str:
    if isinstance(error, LoaderError):
        return str(error)
    return f"unexpected {type(error).__name__}: {str(error)[:200]} (rerun with --debug)"


def report_failures(failures: list[Failure], total: int) -> None:
    if failures:
        print(f"error: {len(failures)} of {total} files failed:", file=sys.stderr)
        for failure in failures:
            print(f"  {failure.taxi} {failure.month}: {failure.reason}", file=sys.stderr)


def build_if_landed(settings: Settings, results: list[LoadResult], build: bool) -> None:
    """One dbt build when anything new landed (an unchanged range has nothing to merge)."""
    if build and any(result.status != "unchanged" for result in results):
        print("dbt build ...", flush=True)
        print(f"dbt build: {run_dbt(['build'], settings, quiet=True)}", flush=True)


def run_backfill(
    settings: Settings,
    taxis: list[TaxiType],
    first: Month,
    last: Month,
    *,
    jobs: int,
    build: bool,
    force: bool = False,
) -> int:
    tasks = [(taxi, month) for month in month_range(first, last) for taxi in taxis]
    results, failures = land_many(settings, tasks, jobs, force=force)
    landed = sum(result.status != "unchanged" for result in results)
    print(
        f"backfill {first}..{last}: {landed} landed, "
        f"{len(results) - landed} unchanged, {len(failures)} failed",
        flush=True,
    )
    report_failures(failures, len(tasks))
    build_if_landed(settings, results, build)
    return 1 if failures else 0
