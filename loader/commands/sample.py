"""`sample`: write a seeded synthetic mirror of the TLC CSV backups (the release layout), or
of the TLC's parquet files (their schema and flat layout)."""

from __future__ import annotations

from pathlib import Path

from loader.months import Month
from loader.output import megabytes
from loader.sample_data import write_month, write_parquet_month
from loader.taxis import TaxiType


def run_sample(
    out: Path,
    taxis: list[TaxiType],
    months: list[Month],
    rows: int,
    seed: int,
    file_format: str = "csv",
) -> int:
    write = write_parquet_month if file_format == "parquet" else write_month
    for month in months:
        for taxi in taxis:
            path = write(out, taxi, month, rows, seed)
            print(f"sample     {path}  {rows:,} rows  {megabytes(path.stat().st_size)}")
    return 0
