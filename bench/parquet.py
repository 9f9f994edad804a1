"""The parquet sections of the benchmark (bench/run.py --only parquet-landing).

The months are the loader's seeded generator's, written in the TLC's own layout: the columns
and types of its parquet files (int32 zones, doubles for money, timestamps in microseconds)
and, as parquet-cpp-arrow writes a month, one row group for the whole file (cached in
bench/work/parquet-<rows>/).

Landing: `python -m loader load` of the month from a loopback server with
TLC_SOURCE_FORMAT=parquet, against the floor of the same work without the checks: curl of the
file, then one pyarrow read and write of it (row group by row group, snappy, as we write).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.measure import Sample, median_of, run_timed
from loader.months import Month
from loader.taxis import YELLOW, TaxiType
from tests.support.http_server import serve_folder

MONTH = Month(2021, 3)
SEED = 2021
PYTHON = sys.executable

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


def tlc_parquet_mirror(work: Path, taxi: TaxiType, rows: int, month: Month = MONTH) -> Path:
    """A folder serving <taxi>_tripdata_YYYY-MM.parquet as the TLC does: one row group."""
    import pyarrow.parquet as pq

    from loader.sample_data import write_parquet_month

    folder = work / f"parquet-{taxi.name}-{rows}"
    path = folder / taxi.source_name(month, "parquet")
    if not path.exists():
        print(f"  generating {rows:,} rows of {taxi.name} {month} (parquet) ...", flush=True)
        generated = write_parquet_month(folder / "generated", taxi, month, rows, SEED)
        table = pq.read_table(generated)
        temp = path.with_name(path.name + ".part")
        pq.write_table(table, temp, compression="snappy", row_group_size=table.num_rows)
        del table
        temp.replace(path)
        generated.unlink()
    return folder


def bench_parquet_landing(
    rows_list: list[int], runs: int, scratch: Path, work: Path, project_type
) -> list[dict]:
    results = []
    for rows in rows_list:
        folder = tlc_parquet_mirror(work, YELLOW, rows)
        with serve_folder(folder) as url:
            project = project_type(scratch / f"parquet-landing-{rows}", url)
            floor = _floor(f"{url}/{YELLOW.source_name(MONTH, 'parquet')}", runs, scratch)
            ours = median_of(
                lambda project=project: project.load(MONTH, TLC_SOURCE_FORMAT="parquet"),
                runs,
                before=project.reset_landing,
            )
        results.append({"rows": rows, "floor": floor, "ours": ours})
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
    for item in results:
        ours, floor = item["ours"], item["floor"]
        lines.append(
            f"| parquet landing, {item['rows']:,} rows (one row group) | {ours.seconds:.2f} s, "
            f"{ours.peak_rss_mb:.0f} MB RSS | {floor.seconds:.2f} s, {floor.peak_rss_mb:.0f} MB "
            f"(curl + one Arrow read and write) | {ours.seconds / floor.seconds:.2f} | "
            "<= 1.5, <= 256 MB |"
        )
    if len(results) > 1:
        first, last = results[0]["ours"], results[-1]["ours"]
        lines.append(
            f"| parquet landing peak RSS, {results[-1]['rows']:,} vs {results[0]['rows']:,} "
            f"rows | {last.peak_rss_mb:.0f} MB | {first.peak_rss_mb:.0f} MB | "
            f"{last.peak_rss_mb / first.peak_rss_mb:.2f} | <= 1.10 |"
        )
    return lines
