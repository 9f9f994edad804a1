"""`sample`: write a seeded synthetic mirror of the TLC CSV backups (the release layout), or
of the TLC's parquet files (their schema and flat layout)."""

from __future__ import annotations

import argparse
from pathlib import Path

from loader.arguments import TAXI_HELP, Shared, Subcommands, positive_int, taxis
from loader.arguments import month as month_argument
from loader.config import SOURCE_FORMATS
from loader.months import Month
from loader.output import megabytes
from loader.taxis import TaxiType


def run_sample(
    out: Path,
    taxis: list[TaxiType],
    months: list[Month],
    rows: int,
    seed: int,
    file_format: str = "csv",
) -> int:
    from loader.sample_data import write_month, write_parquet_month  # numpy: this verb only

    write = write_parquet_month if file_format == "parquet" else write_month
    for month in months:
        for taxi in taxis:
            path = write(out, taxi, month, rows, seed)
            print(f"sample     {path}  {rows:,} rows  {megabytes(path.stat().st_size)}")
    return 0


def add_parser(commands: Subcommands, shared: Shared) -> None:
    parser = commands.add_parser(
        "sample",
        parents=[shared.common],
        help="write a synthetic mirror in the release layout",
        description="Write seeded, realistic synthetic months (gzipped CSV in the release "
        "layout), e.g. for the benchmark or a demo.",
    )
    parser.add_argument("--out", type=Path, required=True, help="folder of the mirror")
    parser.add_argument("--taxi", type=taxis, default=taxis("all"), help=TAXI_HELP)
    parser.add_argument(
        "--month", type=month_argument, action="append", required=True, help="YYYY-MM; repeatable"
    )
    parser.add_argument("--rows", type=positive_int, default=20_000, help="rows per file")
    parser.add_argument("--seed", type=int, default=2021, help="the same seed, the same bytes")
    parser.add_argument(
        "--format",
        choices=SOURCE_FORMATS,
        default="csv",
        help="csv.gz in the CSV backups' layout, or parquet in the TLC's schema and layout",
    )
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    return run_sample(args.out, args.taxi, args.month, args.rows, args.seed, args.format)
