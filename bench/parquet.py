"""The parquet sections of the benchmark (bench/run.py --only parquet-landing).

The months are the loader's seeded generator's, written in the TLC's own layout: the columns
and types of its parquet files (int32 zones, doubles for money, timestamps in microseconds)
and, as parquet-cpp-arrow writes a month, one row group for the whole file (cached in
bench/work/parquet-<rows>/).

Landing: `python -m loader load` of the month from a loopback server with
TLC_SOURCE_FORMAT=parquet, against the floor of the same work without the checks: curl of the
file, then one pyarrow read and write of it (row group by row group, snappy, as we write). A
10,000-row month is landed the same way first: what a landing costs whatever its size (Python
and imports, the probe, the lock, the records), so the larger months' ratios can be read with
and without it.

fhvhv: the whole `dbt build` of a 15 M-row month against one DuckDB statement that merges it
(bench/baseline_merge.py), and against the floor of what the build does: that statement plus
the analytics layer's own select (fct_trips's compiled SQL) as one statement outside dbt
(bench/baseline_analytics.py); dbt's fixed cost and the tests are a build with nothing new.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import partial
from pathlib import Path

from bench.contenders import (
    DBT,
    PYTHON,
    ROOT,
    against_dlt,
    first_builds,
    run_baseline,
    run_dlt,
    table_rows,
)
from bench.measure import Sample, median_of, run_timed
from loader.months import Month
from loader.taxis import FHVHV, YELLOW, TaxiType
from tests.support.http_server import serve_folder

MONTH = Month(2021, 3)
SEED = 2021
ANALYTICS_MODELS = {
    path.stem for path in (ROOT / "dbt_project" / "models" / "analytics").rglob("*.sql")
}

# The floor's read and write: what landing a parquet file costs before any check.
REWRITE = """
import sys
import pyarrow.parquet as pq
source = pq.ParquetFile(sys.argv[1])
writer = pq.ParquetWriter(sys.argv[2], source.schema_arrow, compression="snappy")
for index in range(source.num_row_groups):
    writer.write_table(source.read_row_group(index))
writer.close()
"""


# Arrow's own streaming read, as the checker reads (loader/checks/parquet.py: pages of
# _READ_BUFFER bytes, batches of BATCH_ROWS, jemalloc): no checks, nothing written. Its peak RSS
# at each size is what reading the file this way costs before any of our work.
STREAM_READ = """
import sys
import pyarrow.parquet as pq
from loader.checks.parquet import _READ_BUFFER, BATCH_ROWS
source = pq.ParquetFile(sys.argv[1], buffer_size=_READ_BUFFER, pre_buffer=False)
for batch in source.iter_batches(batch_size=BATCH_ROWS, use_threads=False):
    pass
"""


def tlc_parquet_mirror(
    work: Path, taxi: TaxiType, rows: int, months: tuple[Month, ...] = (MONTH,)
) -> Path:
    """A folder serving <taxi>_tripdata_YYYY-MM.parquet as the TLC does: one row group."""
    import pyarrow.parquet as pq

    from loader.sample_data import write_parquet_month

    folder = work / f"parquet-{taxi.name}-{rows}"
    for month in months:
        path = folder / taxi.source_name(month, "parquet")
        if path.exists():
            continue
        print(f"  generating {rows:,} rows of {taxi.name} {month} (parquet) ...", flush=True)
        generated = write_parquet_month(folder / "generated", taxi, month, rows, SEED)
        table = pq.read_table(generated)
        temp = path.with_name(path.name + ".part")
        pq.write_table(table, temp, compression="snappy", row_group_size=table.num_rows)
        del table
        temp.replace(path)
        generated.unlink()
    return folder


FIXED_COST_ROWS = 10_000  # a month small enough that a landing's fixed cost is all it costs


def bench_parquet_landing(
    rows_list: list[int], runs: int, scratch: Path, work: Path, project_type
) -> list[dict]:
    """Each size against its floor, the fixed-cost month first (its item marked `fixed`)."""
    results = []
    for rows in [FIXED_COST_ROWS, *rows_list]:
        folder = tlc_parquet_mirror(work, YELLOW, rows)
        with serve_folder(folder) as url:
            project = project_type(scratch / f"parquet-landing-{rows}", url)
            floor = _floor(f"{url}/{YELLOW.source_name(MONTH, 'parquet')}", runs, scratch)
            ours = median_of(
                lambda project=project: project.load(MONTH, TLC_SOURCE_FORMAT="parquet"),
                runs,
                before=project.reset_landing,
            )
        stream = median_of(
            lambda folder=folder: run_timed(
                [PYTHON, "-c", STREAM_READ, str(folder / YELLOW.source_name(MONTH, "parquet"))],
                env={"ARROW_DEFAULT_MEMORY_POOL": "jemalloc"},
                cwd=ROOT,
            ),
            runs,
        )
        results.append(
            {"rows": rows, "floor": floor, "ours": ours, "stream": stream,
             "fixed": rows == FIXED_COST_ROWS}
        )  # fmt: skip
        print(
            f"  parquet landing {rows:,}: ours {ours.seconds:.2f} s {ours.peak_rss_mb:.0f} MB, "
            f"floor {floor.seconds:.2f} s {floor.peak_rss_mb:.0f} MB"
        )
    return results


def _floor(file_url: str, runs: int, scratch: Path) -> Sample:
    """curl of the file, then one Arrow read and write of it: times added, the larger RSS."""
    download, out = scratch / "floor.parquet", scratch / "floor-out.parquet"
    fetched = median_of(lambda: run_timed(["curl", "-sf", "-o", str(download), file_url]), runs)
    rewritten = median_of(lambda: run_timed([PYTHON, "-c", REWRITE, str(download), str(out)]), runs)
    download.unlink()
    out.unlink()
    return Sample(
        fetched.seconds + rewritten.seconds, max(fetched.peak_rss_mb, rewritten.peak_rss_mb)
    )


def report_parquet_landing(results: list[dict]) -> list[str]:
    lines = []
    fixed = next((item for item in results if item.get("fixed")), None)
    results = [item for item in results if not item.get("fixed")]
    if fixed:
        ours, floor = fixed["ours"], fixed["floor"]
        lines.append(
            f"| parquet landing, {fixed['rows']:,} rows: the fixed cost of a landing | "
            f"{ours.seconds:.2f} s, {ours.peak_rss_mb:.0f} MB RSS | {floor.seconds:.2f} s, "
            f"{floor.peak_rss_mb:.0f} MB (the same floor) | {ours.seconds / floor.seconds:.2f} | "
            "report |"
        )
    for item in results:
        ours, floor = item["ours"], item["floor"]
        lines.append(
            f"| parquet landing, {item['rows']:,} rows (one row group) | {ours.seconds:.2f} s, "
            f"{ours.peak_rss_mb:.0f} MB RSS | {floor.seconds:.2f} s, {floor.peak_rss_mb:.0f} MB "
            f"(curl + one Arrow read and write) | {ours.seconds / floor.seconds:.2f} | "
            "<= 1.5, <= 256 MB |"
        )
        if fixed:
            beyond = ours.seconds - fixed["ours"].seconds
            floor_beyond = floor.seconds - fixed["floor"].seconds
            lines.append(
                f"| of which beyond the fixed cost (less the {fixed['rows']:,}-row landing) | "
                f"{beyond:.2f} s | {floor_beyond:.2f} s | "
                f"{beyond / floor_beyond if floor_beyond > 0 else float('nan'):.2f} | report |"
            )
    if len(results) > 1:
        first, last = results[0]["ours"], results[-1]["ours"]
        lines.append(
            f"| parquet landing peak RSS, {results[-1]['rows']:,} vs {results[0]['rows']:,} "
            f"rows | {last.peak_rss_mb:.0f} MB | {first.peak_rss_mb:.0f} MB | "
            f"{last.peak_rss_mb / first.peak_rss_mb:.2f} | <= 1.10 |"
        )
        if "stream" in results[0]:
            first, last = results[0]["stream"], results[-1]["stream"]
            lines.append(
                "| of which Arrow's own streaming read (the same pages and batches; no checks, "
                f"nothing written) | {last.peak_rss_mb:.0f} MB | {first.peak_rss_mb:.0f} MB | "
                f"{last.peak_rss_mb / first.peak_rss_mb:.2f} | report |"
            )
    return lines


def bench_fhvhv_month(rows: int, runs: int, scratch: Path, work: Path, project_type) -> dict:
    """An fhvhv-scale month: its landing, then the whole `dbt build` (every model and test)
    against one DuckDB statement over the same landed file, the same rows at the end, and
    against that statement plus fct_trips's select as one statement (the work the build does
    by hand); dbt's fixed cost and the tests are a build with nothing new."""
    import json
    import statistics

    folder = tlc_parquet_mirror(work, FHVHV, rows)
    with serve_folder(folder) as url:
        project = project_type(scratch / "fhvhv", url)
        landing = median_of(
            lambda: project.load(MONTH, "fhvhv", TLC_SOURCE_FORMAT="parquet"),
            runs,
            before=project.reset_landing,
        )
    landed = Path(project.env["LANDING_URI"]) / "fhvhv" / FHVHV.landed_name(MONTH, "parquet")
    builds, models, analytics = [], [], []
    for _ in range(runs):
        project.reset_warehouse()
        builds.append(run_timed([DBT, "build"], env=project.env, cwd=ROOT))
        results = json.loads((project.root / "target" / "run_results.json").read_text())
        times = {r["unique_id"]: r["execution_time"] for r in results["results"]}
        models.append(times["model.taxi_elt.fhvhv_tripdata"])
        analytics.append(sum(seconds for node, seconds in times.items() if _in_analytics(node)))
    merged = table_rows(Path(project.env["DUCKDB_PATH"]), "fhvhv_tripdata")
    trips = table_rows(Path(project.env["DUCKDB_PATH"]), "fct_trips")
    # The analytics layer's work outside dbt: fct_trips's select as compiled for the first
    # build (the last one above), over the warehouse that build made.
    compiled = project.root / "target" / "compiled" / "taxi_elt" / "dbt_project" / "models"
    compiled = compiled / "analytics" / "marts" / "fct_trips.sql"
    analytics_statement = [
        _statement_seconds("baseline_analytics.py", [compiled, project.env["DUCKDB_PATH"]], trips)
        for _ in range(runs)
    ]
    # dbt's fixed cost and the tests over the month: a build with nothing new.
    noop = median_of(lambda: run_timed([DBT, "build"], env=project.env, cwd=ROOT), runs)
    statement = []
    for _ in range(runs):
        database = scratch / "fhvhv-baseline.duckdb"
        database.unlink(missing_ok=True)
        statement.append(_statement_seconds("baseline_merge.py", [landed, database], merged))
        database.unlink()
    shutil.rmtree(project.root)
    result = {
        "rows": rows,
        "merged": merged,
        "landing": landing,
        "build": Sample(
            statistics.median(s.seconds for s in builds),
            statistics.median(s.peak_rss_mb for s in builds),
        ),
        "model": statistics.median(models),
        "analytics": statistics.median(analytics),
        "statement": statistics.median(statement),
        "analytics_statement": statistics.median(analytics_statement),
        "noop": noop.seconds,
    }
    print(
        f"  fhvhv {rows:,}: landing {landing.seconds:.1f} s {landing.peak_rss_mb:.0f} MB, build "
        f"{result['build'].seconds:.1f} s {result['build'].peak_rss_mb:.0f} MB, statement "
        f"{result['statement']:.1f} s"
    )
    return result


def _statement_seconds(script: str, arguments: list, rows: int) -> float:
    """One run of a baseline script of bench/ (it prints its seconds and rows as JSON); its
    rows must be ours, or the comparison is of different work."""
    import json

    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / script), *map(str, arguments)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    baseline = json.loads(out.stdout)
    if baseline["rows"] != rows:
        raise RuntimeError(f"{script} ended with {baseline['rows']:,} rows, ours {rows:,}")
    return baseline["seconds"]


def _in_analytics(node: str) -> bool:
    """A model of the analytics layer (models/analytics/), from dbt's node names."""
    return node.startswith("model.taxi_elt.") and node.split(".")[-1] in ANALYTICS_MODELS


def report_fhvhv_month(result: dict) -> list[str]:
    build, statement = result["build"], result["statement"]
    analytics = result["analytics_statement"]
    floor = statement + analytics
    beyond = build.seconds - result["noop"]
    rows = f"{result['rows']:,} rows"
    return [
        f"| fhvhv-scale month, landing, {rows} (one row group) | {result['landing'].seconds:.1f} s,"
        f" {result['landing'].peak_rss_mb:.0f} MB RSS | - | - | <= 256 MB |",
        f"| fhvhv-scale month, whole dbt build ({result['merged']:,} rows merged) | "
        f"{build.seconds:.1f} s, {build.peak_rss_mb:.0f} MB RSS | {statement:.1f} s (one "
        f"statement) | {build.seconds / statement:.2f} | <= 1.0, <= 1.5 GB |",
        f"| of which the merged model | {result['model']:.1f} s | {statement:.1f} s | "
        f"{result['model'] / statement:.2f} | report |",
        f"| of which the analytics layer (its models) | {result['analytics']:.1f} s | "
        f"{analytics:.1f} s (fct_trips's select as one statement) | "
        f"{result['analytics'] / analytics:.2f} | report |",
        f"| of which dbt's fixed cost and the tests (a build with nothing new) | "
        f"{result['noop']:.1f} s | - | - | report |",
        f"| fhvhv-scale month, floor: the whole build against the work it does | "
        f"{build.seconds:.1f} s | {floor:.1f} s (merge + analytics statements) | "
        f"{build.seconds / floor:.2f}; less the fixed cost {beyond / floor:.2f} | report |",
    ]


def bench_parquet_backfill(
    rows: int, months: list[Month], runs: int, scratch: Path, work: Path, project_type
) -> dict:
    """`loader backfill` of parquet months end to end (downloads, checks, one build of the
    merged table and its tests) against dlt's Arrow path loading the same files with a merge
    on the same key, both ways a backfill runs it: one pipeline run over every month, and one
    run per month. The same rows at the end, or the run fails."""
    folder = tlc_parquet_mirror(work, YELLOW, rows, tuple(months))
    with serve_folder(folder) as url:
        project = project_type(scratch / "parquet-backfill", url)
        backfill = [PYTHON, "-m", "loader", "backfill", "--from", str(months[0])]
        backfill += ["--to", str(months[-1]), "--taxi", "yellow", "--select", "yellow_tripdata"]

        def ours() -> Sample:
            project.reset_landing()
            project.reset_warehouse()
            return run_timed(backfill, env={**project.env, "TLC_SOURCE_FORMAT": "parquet"})

        mine = median_of(ours, runs)
        merged = table_rows(Path(project.env["DUCKDB_PATH"]))
        urls = [f"{url}/{YELLOW.source_name(month, 'parquet')}" for month in months]
        database = scratch / "dlt-parquet.duckdb"
        monthly = [[month_url] for month_url in urls]
        one_run = median_of(partial(run_dlt, [urls], database, "arrow", merged), runs)
        per_month = median_of(partial(run_dlt, monthly, database, "arrow", merged), runs)
    shutil.rmtree(project.root)
    print(
        f"  parquet backfill {len(months)} months: ours {mine.seconds:.1f} s "
        f"{mine.peak_rss_mb:.0f} MB, dlt one run {one_run.seconds:.1f} s "
        f"{one_run.peak_rss_mb:.0f} MB, per month {per_month.seconds:.1f} s "
        f"{per_month.peak_rss_mb:.0f} MB"
    )
    return {
        "rows": rows, "months": len(months), "merged": merged,
        "ours": mine, "dlt_one_run": one_run, "dlt_per_month": per_month,
    }  # fmt: skip


def report_parquet_backfill(result: dict) -> list[str]:
    ours, one, each = result["ours"], result["dlt_one_run"], result["dlt_per_month"]
    what = f"{result['months']} parquet months ({result['merged']:,} rows merged)"
    return [
        f"| parquet backfill end to end, {what} | {ours.seconds:.1f} s, "
        f"{ours.peak_rss_mb:.0f} MB RSS | " + against_dlt(ours, one, each)
    ]


def bench_parquet_scaling(
    rows: int,
    sizes: list[list[Month]],
    runs: int,
    scratch: Path,
    work: Path,
    project_type,
    *,
    plot: bool = True,
) -> dict:
    """First builds over growing numbers of parquet months (landed once, built from nothing
    each run: the merged model and its tests), beside one DuckDB statement over the same landed
    files; bench/scaling-parquet.svg draws them."""

    from bench.plot import plot_first_builds

    result: dict = {"rows": rows, "sizes": []}
    for months in sizes:
        folder = tlc_parquet_mirror(work, YELLOW, rows, tuple(months))
        with serve_folder(folder) as url:
            project = project_type(scratch / f"parquet-scaling-{len(months)}", url)
            land = [PYTHON, "-m", "loader", "backfill", "--from", str(months[0]), "--to"]
            land += [str(months[-1]), "--taxi", "yellow", "--no-build"]
            run_timed(land, env={**project.env, "TLC_SOURCE_FORMAT": "parquet"})
        build, model = first_builds(project, runs)
        merged = project.merged_rows()
        files = sorted(str(p) for p in (Path(project.env["LANDING_URI"]) / "yellow").iterdir())
        baseline = median_of(partial(run_baseline, files, scratch, merged), runs)
        result["sizes"].append({
            "months": len(months), "merged": merged, "build": build, "baseline": baseline,
            "model": model,
        })  # fmt: skip
        shutil.rmtree(project.root)
        print(
            f"  parquet first build, {len(months)} months: {build.seconds:.1f} s "
            f"{build.peak_rss_mb:.0f} MB, one statement {baseline.seconds:.1f} s "
            f"{baseline.peak_rss_mb:.0f} MB"
        )
    if plot:  # not from a smoke run: the figure docs/performance.md shows
        plot_first_builds(result, ROOT / "bench" / "scaling-parquet.svg", "parquet ")
    return result


def report_parquet_scaling(result: dict) -> list[str]:
    lines = []
    for size in result["sizes"]:
        build, baseline = size["build"], size["baseline"]
        lines.append(
            f"| first build, {size['months']} parquet months ({size['merged']:,} rows merged) | "
            f"{build.seconds:.1f} s, {build.peak_rss_mb:.0f} MB RSS (model "
            f"{size['model']:.1f} s) | {baseline.seconds:.1f} s, {baseline.peak_rss_mb:.0f} MB "
            f"(one statement) | {build.seconds / baseline.seconds:.2f} (model "
            f"{size['model'] / baseline.seconds:.2f}) | report |"
        )
    sizes = result["sizes"]
    if len(sizes) > 1:
        small, large = sizes[0], sizes[-1]
        lines.append(
            f"| first build, {large['months']} vs {small['months']} parquet months | "
            f"{large['build'].seconds:.1f} s, {large['build'].peak_rss_mb:.0f} MB | "
            f"{small['build'].seconds:.1f} s, {small['build'].peak_rss_mb:.0f} MB | time "
            f"{large['build'].seconds / small['build'].seconds:.2f}, memory "
            f"{large['build'].peak_rss_mb / small['build'].peak_rss_mb:.2f} | report |"
        )
    return lines
