"""The verbs behind the CLI: load, sample, demo."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

from loader.build import run_dbt
from loader.config import PROJECT_ROOT, Settings, load_settings
from loader.errors import LoaderError
from loader.landing import open_landing
from loader.load import load_month
from loader.months import Month
from loader.report import megabytes, progress_bars, result_line
from loader.sample import write_month
from loader.source import Source
from loader.status import run_status
from loader.taxis import TAXI_TYPES, TaxiType

log = logging.getLogger(__name__)


def run_load(
    settings: Settings, taxis: list[TaxiType], months: list[Month], *, force: bool = False
) -> int:
    """Load each (taxi, month); carry on past a failure, report it, exit 1 if any failed."""
    landing = open_landing(settings)
    source = Source(settings)
    failures: list[str] = []
    try:
        with progress_bars() as bar:
            for month in months:
                for taxi in taxis:
                    label = taxi.source_name(month)
                    try:
                        result = load_month(
                            settings, landing, source, taxi, month, force=force, progress=bar(label)
                        )
                    except LoaderError as error:
                        log.debug("load failed", exc_info=True)
                        if len(taxis) * len(months) == 1:
                            raise
                        print(f"error: {error}", file=sys.stderr)
                        failures.append(f"{taxi.name} {month}")
                        continue
                    print(result_line(result), flush=True)
    finally:
        source.close()
    if failures:
        print(f"error: {len(failures)} failed: {', '.join(failures)}", file=sys.stderr)
        return 1
    return 0


def run_build(settings: Settings, dbt_args: list[str]) -> int:
    """`dbt build` with the loader's settings (which read .env; dbt alone does not)."""
    print(f"dbt build: {run_dbt(['build', *dbt_args], settings)}")
    return 0


def run_sample(out: Path, taxis: list[TaxiType], months: list[Month], rows: int, seed: int) -> int:
    for month in months:
        for taxi in taxis:
            path = write_month(out, taxi, month, rows, seed)
            print(f"sample     {path}  {rows:,} rows  {megabytes(path.stat().st_size)}")
    return 0


# -- demo ------------------------------------------------------------------------------------

DEMO_MONTHS = (Month(2021, 1), Month(2021, 2))
DEMO_ROWS = {"green": 20_000, "yellow": 30_000}


def run_demo(folder: Path | None = None) -> int:
    folder = (folder or PROJECT_ROOT / "demo").resolve()
    mirror, lake, database = folder / "mirror", folder / "lake", folder / "taxi.duckdb"
    print("taxi-elt demo: SYNTHETIC data (seeded, realistic shape), no internet needed.")
    print(f"  mirror  {mirror}  (release layout, served as TLC_SOURCE_URL)")
    print(f"  landing {lake}")
    print(f"  duckdb  {database}\n")
    for month in DEMO_MONTHS:
        for taxi in TAXI_TYPES.values():
            write_month(mirror, taxi, month, DEMO_ROWS[taxi.name], seed=2021)
    env = {"TLC_SOURCE_URL": str(mirror), "LANDING_URI": str(lake), "DUCKDB_PATH": str(database)}
    settings = load_settings({**os.environ, **env})
    code = run_load(settings, list(TAXI_TYPES.values()), list(DEMO_MONTHS))
    if code:
        return code
    print("\ndbt build (DuckDB) ...", flush=True)
    print(f"dbt build: {run_dbt(['build'], settings, quiet=True)}\n")
    code = run_status(settings)
    print(
        '\nQuery it:  .venv/bin/python -c "import duckdb; print(duckdb.connect('
        f"'{database}', read_only=True).sql('from green_tripdata limit 5'))\""
    )
    print("Real months: make load MONTH=2021-03 TAXI=green && make build  (needs internet)")
    return code
