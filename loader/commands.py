"""The verbs behind the CLI: load, sample, status, demo."""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from loader.build import run_dbt
from loader.config import PROJECT_ROOT, Settings, load_settings
from loader.errors import LoaderError
from loader.landing import Landing, open_landing
from loader.load import load_month
from loader.manifest import MANIFEST_DIR, ManifestRecord
from loader.months import Month
from loader.report import megabytes, progress_bars, result_line
from loader.sample import write_month
from loader.source import Source
from loader.taxis import TAXI_TYPES, TaxiType
from loader.warehouse import read_merged_files

log = logging.getLogger(__name__)


def run_load(
    settings: Settings, taxis: list[TaxiType], months: list[Month], *, force: bool = False
) -> int:
    """Load each (taxi, month); carry on past a failure, report it, exit 1 if any failed."""
    landing = open_landing(settings.landing_uri)
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


def run_sample(out: Path, taxis: list[TaxiType], months: list[Month], rows: int, seed: int) -> int:
    for month in months:
        for taxi in taxis:
            path = write_month(out, taxi, month, rows, seed)
            print(f"sample     {path}  {rows:,} rows  {megabytes(path.stat().st_size)}")
    return 0


# -- status ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileStatus:
    taxi: str
    month: str
    file: str
    bytes: int
    rows_landed: int
    rows_merged: int | None
    duplicates_removed: int | None
    landed_at: str
    merged: bool
    reconciled: bool
    problem: str | None


def landed_records(landing: Landing) -> list[ManifestRecord]:
    records = []
    for relpath in landing.list(MANIFEST_DIR):
        if relpath.endswith(".json"):
            text = landing.read_text(relpath)
            if text:
                records.append(ManifestRecord.from_json(text))
    return sorted(records, key=lambda record: (record.taxi, record.month))


def file_statuses(settings: Settings) -> list[FileStatus]:
    landing = open_landing(settings.landing_uri)
    merged = read_merged_files(settings.duckdb_path)
    statuses = []
    for record in landed_records(landing):
        entry = merged.get((record.taxi, record.file))
        problem = None
        if entry is None:
            problem = "landed, not merged yet: run make build"
        elif entry.file_crc32c != record.crc32c:
            problem = "landed content changed since the last merge: run make build"
        elif entry.rows_read != record.rows:
            problem = f"dbt read {entry.rows_read:,} rows, the manifest says {record.rows:,}"
        elif entry.rows_now != entry.rows_merged:
            problem = (
                f"the merged table holds {entry.rows_now:,} rows of this file, "
                f"the merge recorded {entry.rows_merged:,}"
            )
        is_merged = entry is not None and entry.file_crc32c == record.crc32c
        statuses.append(
            FileStatus(
                taxi=record.taxi,
                month=record.month,
                file=record.file,
                bytes=record.bytes_uncompressed,
                rows_landed=record.rows,
                rows_merged=entry.rows_now if entry else None,
                duplicates_removed=entry.duplicates_removed if entry else None,
                landed_at=record.landed_at,
                merged=is_merged,
                reconciled=problem is None,
                problem=problem,
            )
        )
    return statuses


def run_status(settings: Settings, *, as_json: bool = False) -> int:
    statuses = file_statuses(settings)
    if as_json:
        print(json.dumps([asdict(status) for status in statuses], indent=2))
    else:
        print(status_table(statuses))
    return 0 if all(status.reconciled for status in statuses) else 1


def status_table(statuses: list[FileStatus]) -> str:
    header = (
        f"{'taxi':<7}{'month':<9}{'size':>10}{'rows landed':>13}{'rows merged':>13}"
        f"{'duplicates':>12}  {'merged':<7}{'landed at (UTC)':<20}"
    )
    lines = [header, "-" * len(header)]
    for status in statuses:
        merged = "-" if status.rows_merged is None else f"{status.rows_merged:,}"
        duplicates = "-" if status.duplicates_removed is None else f"{status.duplicates_removed:,}"
        lines.append(
            f"{status.taxi:<7}{status.month:<9}{megabytes(status.bytes):>10}"
            f"{status.rows_landed:>13,}{merged:>13}{duplicates:>12}  "
            f"{'yes' if status.merged else 'no':<7}{status.landed_at[:19].replace('T', ' '):<20}"
        )
        if status.problem:
            lines.append(f"       ! {status.problem}")
    if not statuses:
        lines.append("nothing landed yet: run make load MONTH=YYYY-MM")
    else:
        landed = sum(status.rows_landed for status in statuses)
        merged_rows = sum(status.rows_merged or 0 for status in statuses)
        duplicates = sum(status.duplicates_removed or 0 for status in statuses)
        lines.append("-" * len(header))
        lines.append(
            f"{'total':<16}{'':>10}{landed:>13,}{merged_rows:>13,}{duplicates:>12,}  "
            f"{sum(status.reconciled for status in statuses)}/{len(statuses)} reconciled"
        )
    return "\n".join(lines)


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
    print(f"dbt build: {run_dbt(['build'], env=env, quiet=True)}\n")
    code = run_status(settings)
    print(
        '\nQuery it:  .venv/bin/python -c "import duckdb; print(duckdb.connect('
        f"'{database}', read_only=True).sql('from green_tripdata limit 5'))\""
    )
    print("Real months: make load MONTH=2021-03 TAXI=green && make build  (needs internet)")
    return code
