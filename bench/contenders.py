"""What the bench's sections share: the paths, the row-count check every contender passes, and
the contenders run as processes of their own (the one DuckDB statement, dlt, our first build)."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import duckdb

from bench.measure import Sample, median_of, run_timed

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
DBT = str(Path(sys.executable).with_name("dbt"))
PEER_PATHS = {"arrow": "dlt, Arrow path", "rows": "dlt, row dicts"}


def table_rows(database: Path, table: str = "yellow_tripdata") -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(f"select count(*) from main.{table}").fetchone()[0]


def same_rows(contender: str, rows: int, ours: int) -> None:
    if rows != ours:
        raise RuntimeError(f"{contender} ended with {rows:,} rows, our merged table {ours:,}")


def run_baseline(files: list[str], scratch: Path, merged: int) -> Sample:
    """The one DuckDB statement (bench/baseline_merge.py) over landed files, CSV or parquet."""
    database = scratch / "baseline-backfill.duckdb"
    database.unlink(missing_ok=True)
    command = [PYTHON, str(ROOT / "bench" / "baseline_merge.py"), ",".join(files), str(database)]
    sample = run_timed(command, cwd=ROOT)
    same_rows("the one-statement baseline", table_rows(database, "trips"), merged)
    return sample


def run_dlt(runs: list[list[str]], database: Path, path: str, merged: int) -> Sample:
    """dlt's pipeline runs (each a list of file URLs) one after another into one DuckDB file:
    the times added, the largest peak RSS."""
    database.unlink(missing_ok=True)
    peer = str(ROOT / "bench" / "peer_dlt.py")
    samples = [
        run_timed([PYTHON, peer, ",".join(urls), str(database), path], cwd=ROOT) for urls in runs
    ]
    same_rows(PEER_PATHS[path], table_rows(database), merged)
    return Sample(sum(s.seconds for s in samples), max(s.peak_rss_mb for s in samples))


def first_builds(project, runs: int) -> tuple[Sample, float]:
    """`project.build()` from an empty warehouse each run: its median, and the merged model's."""
    models: list[float] = []

    def first_build() -> Sample:
        sample, model = project.build()
        models.append(model)
        return sample

    build = median_of(first_build, runs, before=project.reset_warehouse)
    return build, statistics.median(models)


def against_dlt(ours: Sample, one_run: Sample, per_month: Sample) -> str:
    """The last three cells of a row against dlt run both ways: time against the faster of
    them, memory against the leaner."""
    fastest = min(one_run.seconds, per_month.seconds)
    leanest = min(one_run.peak_rss_mb, per_month.peak_rss_mb)
    return (
        f"dlt, Arrow path, merge on our key: one run {one_run.seconds:.1f} s, "
        f"{one_run.peak_rss_mb:,.0f} MB; one run a month {per_month.seconds:.1f} s, "
        f"{per_month.peak_rss_mb:,.0f} MB | {speed_against(ours.seconds, fastest)}, "
        f"{memory_against(ours.peak_rss_mb, leanest)} | >= 2x, no more memory |"
    )


def memory_against(ours_mb: float, theirs_mb: float) -> str:
    if ours_mb <= theirs_mb:
        return f"{theirs_mb / ours_mb:.1f}x less memory than the leaner"
    return f"{ours_mb / theirs_mb:.2f}x the leaner's memory"


def speed_against(ours_s: float, theirs_s: float) -> str:
    if ours_s <= theirs_s:
        return f"{theirs_s / ours_s:.2f}x faster than the faster"
    return f"{ours_s / theirs_s:.2f}x slower than the faster"
