"""`demo`: a synthetic mirror -> load -> dbt build -> summary, offline, on the default target.

The mirror (the source) is synthetic and lives apart (`demo/mirror`); what it lands goes to the
configured landing and warehouse (by default `lake/` and `taxi.duckdb`), so the README's next
commands (`make status`, `dbt show`, a DuckDB query) see the demo's data. A landing that holds
real files of the demo's months is left alone: the demo refuses instead of replacing them.
"""

from __future__ import annotations

import os
from pathlib import Path

from loader.arguments import Shared, Subcommands
from loader.commands.load import run_load
from loader.commands.status import run_status
from loader.config import PROJECT_ROOT, Settings, load_settings
from loader.dbt_runner import run_dbt
from loader.errors import UsageError
from loader.landing import open_landing
from loader.landing.manifest import read_record
from loader.months import Month
from loader.taxis import TAXI_TYPES, TaxiType

DEMO_MONTHS = (Month(2021, 1), Month(2021, 2))
DEMO_TAXIS = ("green", "yellow")
DEMO_ROWS = {"green": 20_000, "yellow": 30_000}


def run_demo(mirror: Path | None = None) -> int:
    from loader.sample_data import write_month  # numpy: imported by this verb only

    mirror = (mirror or PROJECT_ROOT / "demo" / "mirror").resolve()
    settings = load_settings(
        {**os.environ, "TLC_SOURCE_URL": str(mirror), "TLC_SOURCE_FORMAT": "csv"}
    )
    taxis = [TAXI_TYPES[name] for name in DEMO_TAXIS]
    _refuse_real_data(settings, taxis, mirror)
    print("taxi-elt demo: SYNTHETIC data (seeded, realistic shape), no internet needed.")
    print(f"  source   {mirror}  (a synthetic mirror in the release layout)")
    print(f"  landing  {settings.landing_uri}")
    print(f"  duckdb   {settings.duckdb_path}\n")
    for month in DEMO_MONTHS:
        for taxi in taxis:
            write_month(mirror, taxi, month, DEMO_ROWS[taxi.name], seed=2021)
    code = run_load(settings, taxis, list(DEMO_MONTHS))
    if code:
        return code
    print("\ndbt build (DuckDB) ...", flush=True)
    print(f"dbt build: {run_dbt(['build'], settings, quiet=True)}\n")
    code = run_status(settings)
    print("\nNext: make status | dbt show --select green_tripdata | make report")
    print("Real months: make load MONTH=2021-03 TAXI=green && make build  (needs internet)")
    return code


def _refuse_real_data(settings: Settings, taxis: list[TaxiType], mirror: Path) -> None:
    landing = open_landing(settings)
    for taxi in taxis:
        for month in DEMO_MONTHS:
            record = read_record(landing, taxi, month)
            if record is not None and not record.source_url.startswith(str(mirror)):
                raise UsageError(
                    f"the landing {settings.landing_uri} already holds {taxi.name} {month} from "
                    f"{record.source_url}; the demo would replace it with synthetic data. Run it "
                    "elsewhere: LANDING_URI=demo/lake DUCKDB_PATH=demo/taxi.duckdb make demo"
                )


def add_parser(commands: Subcommands, shared: Shared) -> None:
    parser = commands.add_parser(
        "demo",
        parents=[shared.common],
        help="synthetic mirror -> load -> dbt build -> summary (offline)",
        description="Write a synthetic mirror, land it in the configured landing, build on "
        "DuckDB and print the status.",
    )
    parser.add_argument(
        "--dir", type=Path, default=None, help="where the synthetic mirror goes (demo/mirror)"
    )
    parser.set_defaults(run=lambda args: run_demo(args.dir))
