"""The benchmark: our loader and models against physical baselines, in the same run.

    make bench                     # or: .venv/bin/python -m bench.run [--quick] [--only ...]

Generates months at real scale with the loader's seeded generator (cached in bench/work/),
serves them over HTTP on 127.0.0.1, and measures (each figure the median of --runs runs):
1. landing, local: `python -m loader load` vs `curl -s URL | gzip -dc > file`; peak RSS at
   2 M, 4 M and 8 M rows;
2. landing, GCS (fake-gcs-server on loopback): vs that baseline plus upload_from_filename;
3. merge: `dbt build` of the month on DuckDB vs one DuckDB statement (bench/baseline_merge.py),
   at 2 M rows and, to show what dbt's fixed cost weighs at a large month, at 8 M;
4. incremental scaling: 12 months landed one after another, `dbt build` after each;
5. a peer: dlt loading the same file into DuckDB with merge on the key (bench/peer_dlt.py), by
   its fast Arrow path and by its default path of row dicts;
6. backfill scale: 6 and 12 months landed, then one first `dbt build` (time, peak RSS) vs one
   DuckDB statement over the same files; and `loader backfill --select yellow_tripdata` end to
   end (downloads + one build of the merged table and its tests) of the 6 months vs dlt's
   Arrow path loading the same 6 files in one merge. The
   figures by months go to bench/scaling.svg (docs/performance.md shows it);
7. parquet landing (bench/parquet.py): a 1 M- and a 15 M-row month in the TLC's parquet layout
   against curl plus one Arrow read and write of the file, each also less the fixed cost of a
   landing (a 10,000-row month, against the same floor's); peak RSS at both sizes; and an
   fhvhv-scale month (15 M rows, fhvhv's parquet schema): landing, and the whole `dbt build`
   (the merged model and the analytics layer reported apart) against one DuckDB statement, and
   against the work it does as two statements (the merge, and fct_trips's select), dbt's fixed
   cost and the tests measured as a build with nothing new;
   a backfill of 6 yellow parquet months (3 M rows each) end to end against dlt's Arrow
   path, one pipeline run over all months and one run a month; and first builds over 6 and 12
   parquet months beside one statement (bench/scaling-parquet.svg);
8. floors: over the 6 months, the one statement beside the parts of its work
   no merge that stores the md5 key can skip: the key of every row counted distinct, and
   reading and writing the rows.
Every contender must end with the same number of rows as our merged table, or the run fails.
Prints a table and appends it to bench/RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

import duckdb

from bench.contenders import (
    DBT,
    PEER_PATHS,
    PYTHON,
    ROOT,
    against_dlt,
    first_builds,
    run_baseline,
    run_dlt,
    same_rows,
    table_rows,
)
from bench.measure import Sample, median_of, run_timed
from bench.parquet import (
    bench_fhvhv_month,
    bench_parquet_backfill,
    bench_parquet_landing,
    bench_parquet_scaling,
    report_fhvhv_month,
    report_parquet_backfill,
    report_parquet_landing,
    report_parquet_scaling,
)
from bench.plot import plot_first_builds
from bench.publish import publish
from loader.months import Month
from loader.sample_data import write_month
from loader.taxis import YELLOW
from tests.support.gcs_server import FakeGcsServer
from tests.support.http_server import serve_folder

WORK = ROOT / "bench" / "work"
# Every section, in the order a run takes them; a run of all of them is published.
SECTIONS = (
    "landing",
    "gcs",
    "merge",
    "parquet-landing",
    "fhvhv",
    "parquet-backfill",
    "parquet-scaling",
    "scaling",
    "peer",
    "backfill",
    "floors",
)
MONTH = Month(2021, 3)
SEED = 2021


def mirror(rows: int, months: list[Month]) -> Path:
    folder = WORK / f"mirror-{rows}"
    for month in months:
        if not (folder / "yellow" / YELLOW.source_name(month)).exists():
            print(f"  generating {rows:,} rows of yellow {month} ...", flush=True)
            write_month(folder, YELLOW, month, rows, SEED)
    return folder


class Project:
    """A landing folder, a DuckDB file and dbt's paths of their own, under a scratch folder."""

    def __init__(self, root: Path, source_url: str) -> None:
        self.root = root
        shutil.rmtree(root, ignore_errors=True)
        (root / "profiles").mkdir(parents=True)
        shutil.copy(ROOT / "profiles.example.yml", root / "profiles" / "profiles.yml")
        self.env = {
            "TLC_SOURCE_URL": source_url,
            "LANDING_URI": str(root / "lake"),
            "DUCKDB_PATH": str(root / "taxi.duckdb"),
            "DBT_PROFILES_DIR": str(root / "profiles"),
            "DBT_TARGET_PATH": str(root / "target"),
            "DBT_LOG_PATH": str(root / "logs"),
            "DBT_TARGET": "duckdb",
        }

    def load(self, month: Month, taxi: str = "yellow", **extra: str) -> Sample:
        command = [PYTHON, "-m", "loader", "load", "--taxi", taxi, "--month", str(month)]
        return run_timed(command, env={**self.env, **extra}, cwd=ROOT)

    def build(self) -> tuple[Sample, float]:
        """Wall time of `dbt build`, and the merged model's own time from run_results."""
        sample = run_timed([DBT, "build", *MERGE_ONLY], env=self.env, cwd=ROOT)
        results = json.loads((self.root / "target" / "run_results.json").read_text())["results"]
        model = next(r for r in results if r["unique_id"] == "model.taxi_elt.yellow_tripdata")
        return sample, model["execution_time"]

    def merged_rows(self) -> int:
        return table_rows(Path(self.env["DUCKDB_PATH"]))

    def reset_warehouse(self) -> None:
        Path(self.env["DUCKDB_PATH"]).unlink(missing_ok=True)

    def reset_landing(self) -> None:
        shutil.rmtree(self.env["LANDING_URI"], ignore_errors=True)


# The merge and its tests: what the baselines and dlt do too (the analytics layer on top is
# not part of the comparison).
MERGE_ONLY = [
    "--select",
    "path:dbt_project/models/staging",
    "path:dbt_project/models/core",
    "--indirect-selection",
    "cautious",  # not the analytics tests that also read a merged table
]


def curl_gunzip(url: str, out: Path) -> Sample:
    return run_timed(["bash", "-c", f"curl -sf '{url}' | gzip -dc > '{out}'"])


def bench_landing(rows_list: list[int], runs: int, scratch: Path) -> list[dict]:
    results = []
    for rows in rows_list:
        folder = mirror(rows, [MONTH])
        with serve_folder(folder) as url:
            file_url = f"{url}/yellow/{YELLOW.source_name(MONTH)}"
            project = Project(scratch / f"landing-{rows}", url)
            baseline = median_of(
                lambda file_url=file_url: curl_gunzip(file_url, scratch / "baseline.csv"), runs
            )
            ours = median_of(
                lambda project=project: project.load(MONTH), runs, before=project.reset_landing
            )
        results.append({"rows": rows, "baseline": baseline, "ours": ours})
        print(f"  landing {rows:,}: ours {ours.seconds:.2f} s, baseline {baseline.seconds:.2f} s")
    return results


UPLOAD = """
import sys
from google.cloud import storage
blob = storage.Client(project="bench").bucket("bench").blob("baseline/" + sys.argv[2])
blob.upload_from_filename(sys.argv[1], checksum="crc32c")
"""


def bench_gcs(rows: int, runs: int, scratch: Path) -> dict:
    folder = mirror(rows, [MONTH])
    with FakeGcsServer(log_path=scratch / "gcs.log") as server, serve_folder(folder) as url:
        env = {"STORAGE_EMULATOR_HOST": server.url}
        os.environ.update(env)
        from google.cloud import storage

        client = storage.Client(project="bench")
        bucket = client.create_bucket("bench")
        file_url = f"{url}/yellow/{YELLOW.source_name(MONTH)}"
        csv = scratch / "gcs-baseline.csv"
        download = median_of(lambda: curl_gunzip(file_url, csv), runs)
        upload = median_of(
            lambda: run_timed([PYTHON, "-c", UPLOAD, str(csv), csv.name], env=env), runs
        )
        project = Project(scratch / "gcs", url)

        def clear() -> None:
            for blob in client.list_blobs(bucket):
                blob.delete()

        ours = median_of(
            lambda: project.load(MONTH, LANDING_URI="gs://bench/landing", **env), runs, before=clear
        )
    result = {"rows": rows, "download": download, "upload": upload, "ours": ours}
    print(
        f"  gcs {rows:,}: ours {ours.seconds:.2f} s, baseline "
        f"{download.seconds:.2f} + {upload.seconds:.2f} s"
    )
    return result


def bench_merge(rows: int, runs: int, scratch: Path) -> dict:
    folder = mirror(rows, [MONTH])
    with serve_folder(folder) as url:
        project = Project(scratch / "merge", url)
        project.load(MONTH)
    csv = Path(project.env["LANDING_URI"]) / "yellow" / YELLOW.landed_name(MONTH)
    builds, models = [], []
    for _ in range(runs):
        project.reset_warehouse()
        sample, model = project.build()
        builds.append(sample)
        models.append(model)
    merged = project.merged_rows()
    statement = []
    for _ in range(runs):
        database = scratch / "baseline.duckdb"
        database.unlink(missing_ok=True)
        out = subprocess.run(
            [PYTHON, str(ROOT / "bench" / "baseline_merge.py"), str(csv), str(database)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        baseline = json.loads(out.stdout)
        same_rows("the one-statement baseline", baseline["rows"], merged)
        statement.append(baseline["seconds"])
    # dbt's own cost, the same every build: a build with nothing new to merge.
    noop = median_of(lambda: project.build()[0], runs)
    shutil.rmtree(project.root)
    result = {
        "rows": rows,
        "noop": noop.seconds,
        "baseline": statistics.median(statement),
        "model": statistics.median(models),
        "build": Sample(
            statistics.median(s.seconds for s in builds),
            statistics.median(s.peak_rss_mb for s in builds),
        ),
    }
    print(
        f"  merge {rows:,}: model {result['model']:.2f} s, build "
        f"{result['build'].seconds:.2f} s, baseline {result['baseline']:.2f} s"
    )
    return result


def bench_months(count: int) -> list[Month]:
    """The months the multi-month sections use: `count` of them from 2020-01."""
    months = [Month(2020, 1)]
    while len(months) < count:
        months.append(months[-1].next())
    return months


def bench_scaling(rows: int, months: int, scratch: Path) -> dict:
    sequence = bench_months(months)
    folder = mirror(rows, sequence)
    builds = []
    with serve_folder(folder) as url:
        project = Project(scratch / "scaling", url)
        for month in sequence:
            project.load(month)
            sample, model = project.build()
            builds.append({"month": str(month), "build": sample.seconds, "model": model})
            print(f"  scaling {month}: build {sample.seconds:.2f} s, model {model:.2f} s")
    return {"rows": rows, "builds": builds}


def bench_backfill(
    rows: int, months_list: list[int], runs: int, scratch: Path, *, plot: bool = True
) -> dict:
    """The first build over many months, the one-statement baseline, and backfill end to end."""
    result: dict = {"rows": rows, "sizes": []}
    for months in months_list:
        sequence = bench_months(months)
        folder = mirror(rows, sequence)
        first, last = str(sequence[0]), str(sequence[-1])
        with serve_folder(folder) as url:
            project = Project(scratch / f"backfill-{months}", url)
            backfill = [PYTHON, "-m", "loader", "backfill", "--from", first, "--to", last]
            backfill += ["--taxi", "yellow"]
            run_timed([*backfill, "--no-build"], env=project.env, cwd=ROOT)
            build, model = first_builds(project, runs)
            merged = project.merged_rows()
            files = sorted(
                str(p) for p in (Path(project.env["LANDING_URI"]) / "yellow").glob("*.csv")
            )
            baseline = median_of(partial(run_baseline, files, scratch, merged), runs)
            size = {"months": months, "build": build, "baseline": baseline, "merged": merged}
            size["model"] = model
            if months == months_list[0]:

                def end_to_end(project=project, backfill=backfill) -> Sample:
                    project.reset_landing()
                    project.reset_warehouse()
                    # The merge and its tests, what dlt does (not the analytics on top).
                    command = [*backfill, "--select", "yellow_tripdata"]
                    return run_timed(command, env=project.env, cwd=ROOT)

                size["backfill"] = median_of(end_to_end, runs)
                same_rows("the backfill", project.merged_rows(), merged)
                urls = [f"{url}/yellow/{YELLOW.source_name(m)}" for m in sequence]
                database = scratch / "dlt-backfill.duckdb"
                # dlt both ways: one pipeline run over the months, and one run a month.
                size["dlt"] = median_of(partial(run_dlt, [urls], database, "arrow", merged), runs)
                size["dlt_per_month"] = median_of(
                    partial(run_dlt, [[u] for u in urls], database, "arrow", merged), runs
                )
            shutil.rmtree(project.root)
        result["sizes"].append(size)
        print(
            f"  backfill {months} months: first build {build.seconds:.1f} s "
            f"{build.peak_rss_mb:.0f} MB, one statement {baseline.seconds:.1f} s "
            f"{baseline.peak_rss_mb:.0f} MB"
        )
    if plot:  # not from a smoke run: the figure docs/performance.md shows
        plot_first_builds(result, ROOT / "bench" / "scaling.svg")
    return result


def bench_floors(rows: int, months: int, runs: int, scratch: Path) -> dict:
    """The one statement over `months` months beside two parts of its work (baseline_merge.py
    FLOOR): every row's md5 key counted distinct, and the rows read and written."""
    sequence = bench_months(months)
    with serve_folder(mirror(rows, sequence)) as url:
        project = Project(scratch / "floors", url)
        landing = [PYTHON, "-m", "loader", "backfill", "--from", str(sequence[0])]
        run_timed([*landing, "--to", str(sequence[-1]), "--taxi", "yellow", "--no-build"],
                  env=project.env, cwd=ROOT)  # fmt: skip
        files = sorted(str(p) for p in (Path(project.env["LANDING_URI"]) / "yellow").glob("*.csv"))
        database = scratch / "floors.duckdb"
        statement = [PYTHON, str(ROOT / "bench" / "baseline_merge.py"), ",".join(files)]
        result: dict = {"months": months, "rows": rows * months}

        def run(floor: str) -> Sample:
            database.unlink(missing_ok=True)
            return run_timed([*statement, str(database), floor], cwd=ROOT)

        for floor in ("", "key", "write"):
            result[floor or "statement"] = median_of(partial(run, floor), runs)
        shutil.rmtree(project.root)
    return result


def bench_peer(rows: int, runs: int, scratch: Path) -> dict | None:
    try:
        import dlt  # noqa: F401
    except ImportError:
        print("  peer: dlt is not installed (make bench installs the bench extra); skipped")
        return None
    folder = mirror(rows, [MONTH])
    with serve_folder(folder) as url:
        file_url = f"{url}/yellow/{YELLOW.source_name(MONTH)}"
        project = Project(scratch / "peer-ours", url)

        def ours() -> Sample:
            project.reset_landing()
            project.reset_warehouse()
            load = project.load(MONTH)
            build, _ = project.build()
            return Sample(load.seconds + build.seconds, max(load.peak_rss_mb, build.peak_rss_mb))

        mine = median_of(ours, runs)
        merged = project.merged_rows()
        peers = {}
        for path, name in PEER_PATHS.items():
            database = scratch / f"dlt-{path}.duckdb"
            # dlt's row dicts take minutes where the rest take seconds: one run says as much.
            times = runs if path == "arrow" else 1
            peers[path] = median_of(partial(run_dlt, [[file_url]], database, path, merged), times)
            print(f"  peer {rows:,}: {name} {peers[path].seconds:.2f} s")
    print(f"  peer {rows:,}: ours {mine.seconds:.2f} s")
    return {"rows": rows, "dlt": peers, "ours": mine}


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}, "
        f"DuckDB {duckdb.__version__}"
    )


def report(results: dict, runs: int, when: str) -> str:
    lines = [f"## {when}", "", f"Machine: {machine()}. Each figure: median of {runs} runs.", ""]
    lines += ["| measure | ours | baseline | ratio | target |", "|---|---:|---:|---:|---|"]
    for item in results.get("landing", []):
        ratio = item["ours"].seconds / item["baseline"].seconds
        lines.append(
            f"| landing, local, {item['rows']:,} rows | {item['ours'].seconds:.2f} s, "
            f"{item['ours'].peak_rss_mb:.0f} MB RSS | {item['baseline'].seconds:.2f} s "
            f"(curl \\| gzip -dc) | {ratio:.2f} | <= 1.1 |"
        )
    landing = results.get("landing", [])
    if len(landing) > 1:
        first, last = landing[0], landing[-1]
        lines.append(
            f"| peak RSS, {last['rows']:,} vs {first['rows']:,} rows | "
            f"{last['ours'].peak_rss_mb:.0f} MB | {first['ours'].peak_rss_mb:.0f} MB | "
            f"{last['ours'].peak_rss_mb / first['ours'].peak_rss_mb:.2f} | <= 1.10, <= 100 MB |"
        )
    if gcs := results.get("gcs"):
        total = gcs["download"].seconds + gcs["upload"].seconds
        lines.append(
            f"| landing, GCS, {gcs['rows']:,} rows | {gcs['ours'].seconds:.2f} s, "
            f"{gcs['ours'].peak_rss_mb:.0f} MB RSS | {total:.2f} s ({gcs['download'].seconds:.2f}"
            f" curl \\| gzip + {gcs['upload'].seconds:.2f} upload_from_filename) | "
            f"{gcs['ours'].seconds / total:.2f} (vs download alone "
            f"{gcs['ours'].seconds / gcs['download'].seconds:.2f}) | report |"
        )
    for merge in results.get("merge", []):
        lines.append(
            f"| merge, model, {merge['rows']:,} rows | {merge['model']:.2f} s | "
            f"{merge['baseline']:.2f} s (one statement) | "
            f"{merge['model'] / merge['baseline']:.2f} | <= 1.5 |"
        )
        lines.append(
            f"| merge, whole dbt build, {merge['rows']:,} rows | {merge['build'].seconds:.2f} s, "
            f"{merge['build'].peak_rss_mb:.0f} MB RSS | {merge['baseline']:.2f} s | "
            f"{merge['build'].seconds / merge['baseline']:.2f} | <= 2 |"
        )
        lines.append(
            f"| of which dbt's fixed cost (a build with nothing new) | {merge['noop']:.2f} s | "
            f"- | whole build less it: "
            f"{(merge['build'].seconds - merge['noop']) / merge['baseline']:.2f} | report |"
        )
    lines += report_parquet_landing(results.get("parquet-landing", []))
    if fhvhv := results.get("fhvhv"):
        lines += report_fhvhv_month(fhvhv)
    if parquet_backfill := results.get("parquet-backfill"):
        lines += report_parquet_backfill(parquet_backfill)
    if parquet_scaling := results.get("parquet-scaling"):
        lines += report_parquet_scaling(parquet_scaling)
    if scaling := results.get("scaling"):
        builds = scaling["builds"]
        lines.append(
            f"| incremental, build {len(builds)} vs build 1 ({scaling['rows']:,} rows a month) | "
            f"{builds[-1]['build']:.2f} s (model {builds[-1]['model']:.2f}) | "
            f"{builds[0]['build']:.2f} s (model {builds[0]['model']:.2f}) | "
            f"{builds[-1]['build'] / builds[0]['build']:.2f} | <= 1.2 |"
        )
    if peer := results.get("peer"):
        for path, sample in peer["dlt"].items():
            lines.append(
                f"| end to end vs dlt merge, {peer['rows']:,} rows | {peer['ours'].seconds:.2f} s"
                f" (load + dbt build) | {sample.seconds:.2f} s ({PEER_PATHS[path]}) | "
                f"{sample.seconds / peer['ours'].seconds:.2f}x faster | >= 3x |"
            )
    if backfill := results.get("backfill"):
        sizes = backfill["sizes"]
        for size in sizes:
            build, baseline = size["build"], size["baseline"]
            lines.append(
                f"| first build, {size['months']} months ({size['merged']:,} rows merged) | "
                f"{build.seconds:.1f} s, {build.peak_rss_mb:.0f} MB RSS | {baseline.seconds:.1f} s,"
                f" {baseline.peak_rss_mb:.0f} MB (one statement) | "
                f"{build.seconds / baseline.seconds:.2f} | <= 0.6, <= 2 GB |"
            )
            lines.append(
                f"| of which the merged model, {size['months']} months | {size['model']:.1f} s | "
                f"{baseline.seconds:.1f} s | {size['model'] / baseline.seconds:.2f} | report |"
            )
        if len(sizes) > 1:
            small, large = sizes[0], sizes[-1]
            lines.append(
                f"| first build, {large['months']} vs {small['months']} months | "
                f"{large['build'].seconds:.1f} s, {large['build'].peak_rss_mb:.0f} MB | "
                f"{small['build'].seconds:.1f} s, {small['build'].peak_rss_mb:.0f} MB | "
                f"time {large['build'].seconds / small['build'].seconds:.2f}, memory "
                f"{large['build'].peak_rss_mb / small['build'].peak_rss_mb:.2f} | "
                "<= 2.1, <= 1.1 |"
            )
        if "backfill" in sizes[0]:
            ours, one, each = (sizes[0][k] for k in ("backfill", "dlt", "dlt_per_month"))
            lines.append(
                f"| backfill end to end, {sizes[0]['months']} months (downloads + build, "
                "--select yellow_tripdata) | "
                f"{ours.seconds:.1f} s, {ours.peak_rss_mb:.0f} MB RSS | "
                + against_dlt(ours, one, each)
            )
    if floors := results.get("floors"):
        statement = floors["statement"].seconds
        for floor, what in (("key", "every row's md5 key counted distinct, nothing written"),
                            ("write", "the rows read typed and written, no key")):  # fmt: skip
            lines.append(
                f"| floor, {floors['months']} months ({floors['rows']:,} rows): {what} | "
                f"{floors[floor].seconds:.1f} s | {statement:.1f} s (one statement) | "
                f"{floors[floor].seconds / statement:.2f} | report |"
            )
    if scaling:
        lines += [
            "",
            "Builds, one per month landed: "
            + ", ".join(f"{b['month']} {b['build']:.1f} s" for b in scaling["builds"]),
        ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--scale-rows", type=int, default=2_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--backfill-months", type=int, nargs="*", default=[6, 12])
    parser.add_argument("--parquet-rows", type=int, nargs="*", default=[1_000_000, 15_000_000])
    parser.add_argument("--fhvhv-rows", type=int, default=15_000_000)
    parser.add_argument("--parquet-backfill-rows", type=int, default=3_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", nargs="*", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--quick", action="store_true", help="small and fast: a smoke run")
    parser.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = parser.parse_args()
    if args.quick:
        args.rows, args.scale_rows, args.months, args.runs = 200_000, 100_000, 3, 1
        args.backfill_months = [2, 3]
        args.parquet_rows, args.fhvhv_rows = [100_000, 400_000], 200_000
        args.parquet_backfill_rows = 100_000
    WORK.mkdir(parents=True, exist_ok=True)
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-", dir=WORK) as name:
        scratch = Path(name)
        if "landing" in args.only:
            sizes = [args.rows, args.rows * 2, args.rows * 4]
            results["landing"] = bench_landing(sizes, args.runs, scratch)
        if "gcs" in args.only:
            results["gcs"] = bench_gcs(args.rows, args.runs, scratch)
        if "merge" in args.only:
            sizes = [args.rows, args.rows * 4]
            results["merge"] = [bench_merge(rows, args.runs, scratch) for rows in sizes]
        if "parquet-landing" in args.only:
            results["parquet-landing"] = bench_parquet_landing(
                args.parquet_rows, args.runs, scratch, WORK, Project
            )
        if "fhvhv" in args.only:
            results["fhvhv"] = bench_fhvhv_month(args.fhvhv_rows, args.runs, scratch, WORK, Project)
        if "parquet-backfill" in args.only:
            results["parquet-backfill"] = bench_parquet_backfill(
                args.parquet_backfill_rows,
                bench_months(6 if not args.quick else 2),
                args.runs,
                scratch,
                WORK,
                Project,
            )
        if "parquet-scaling" in args.only:
            results["parquet-scaling"] = bench_parquet_scaling(
                args.parquet_backfill_rows,
                [bench_months(count) for count in args.backfill_months],
                args.runs,
                scratch,
                WORK,
                Project,
                plot=not args.quick,
            )
        if "scaling" in args.only:
            results["scaling"] = bench_scaling(args.scale_rows, args.months, scratch)
        if "peer" in args.only:
            results["peer"] = bench_peer(args.rows, args.runs, scratch)
        if "backfill" in args.only:
            results["backfill"] = bench_backfill(
                args.scale_rows, args.backfill_months, args.runs, scratch, plot=not args.quick
            )
        if "floors" in args.only:
            months = args.backfill_months[0] if args.backfill_months else 6
            results["floors"] = bench_floors(args.scale_rows, months, args.runs, scratch)
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    text = report(results, args.runs, when)
    print("\n" + text)
    if not args.no_record and not args.quick:
        with (ROOT / "bench" / "RESULTS.md").open("a") as handle:
            handle.write("\n" + text)
        if set(args.only) == set(SECTIONS):
            publish(text, when, machine(), args.runs, ROOT)
            print("The table is in docs/performance.md, its headline rows in README.md.")
        else:
            print("Some sections only: docs/performance.md and README.md keep the last whole run.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
