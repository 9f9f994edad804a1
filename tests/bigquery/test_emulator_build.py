"""`dbt build --target bigquery` for real, offline: the loader lands in fake-gcs-server, the
harness stages the `*_ext` sources by load jobs, dbt-bigquery runs against bqemulator.

One test walks the whole sequence (the steps depend on each other): green 2021-01 lands and
builds; its key set equals the DuckDB target's; 2021-02 merges incrementally; a build with
nothing new changes nothing; a changed file's rows are replaced whole; `dbt source
freshness` and `python -m loader status` read the emulator. Everything downstream of the
staged `*_ext` tables is the production SQL (what it cannot show is in
tests/dbt_project/test_bigquery_sql.py).
"""

from __future__ import annotations

import gzip
import json
import time
import uuid

import pytest

from loader.months import Month
from loader.sample_data import write_parquet_month
from loader.taxis import GREEN, TAXI_TYPES
from tests.bigquery.emulator import bigquery_type, external_sources
from tests.conftest import GREEN_ROWS
from tests.support.http_server import serve_folder

pytestmark = pytest.mark.e2e
TABLE = "`taxi-emu.taxi_elt.green_tripdata`"
LOG = (
    "select filename, file_crc32c, status, rows_landed, rows_read, rows_merged, "
    "duplicates_removed, cast(merged_at as string), invocation_id "
    "from `taxi-emu.taxi_elt.merge_log` order by filename"
)


def test_declared_types_map_as_the_external_table_ddl_does():
    assert [bigquery_type(t) for t in ("bigint", "numeric(18,2)", "timestamp", "varchar")] == [
        "INT64",
        "NUMERIC",
        "TIMESTAMP",
        "STRING",
    ]
    assert bigquery_type("bigint", "csv") == "NUMERIC"  # "1.0" must load; staging casts
    sources = {source.name: source for source in external_sources()}
    assert sorted(sources) == sorted(
        [f"{t}_tripdata{kind}_ext" for t in TAXI_TYPES for kind in ("", "_parquet")]
        + ["landed_files"]
    )
    assert sources["green_tripdata_parquet_ext"].file_format == "parquet"
    assert dict(sources["yellow_tripdata_parquet_ext"].columns)["tpep_pickup_datetime"] == (
        "DATETIME"
    )
    assert sources["green_tripdata_ext"].suffix == "/green/green_tripdata_*.csv"
    assert [name for name, _ in sources["green_tripdata_ext"].columns] == list(GREEN.column_names)
    assert sources["landed_files"].file_format == "json"


def _timed(lane, label, action):
    started = time.monotonic()
    result = action()
    lane.timings[label] = round(time.monotonic() - started, 2)
    return result


def _build(lane, label, *, via_loader=False):
    if via_loader:  # the loader's own dbt runner, extra arguments passed to dbt
        run = _timed(
            lane, label, lambda: lane.loader("build", "--vars", "{tlc_external_tables: false}")
        )
    else:
        run = _timed(lane, label, lambda: lane.dbt("build"))
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "Deprecation" not in run.stdout
    return run


def _stage(lane, label):
    staged = _timed(lane, label, lane.stage)
    return {uri: rows for source in staged.values() for uri, rows in source.rows.items()}


def _keys(lane) -> set[tuple[str, str]]:
    return set(lane.query(f"select unique_row_id, filename from {TABLE}"))


def _duckdb_keys(workspace) -> set[tuple[str, str]]:
    return set(workspace.query("select unique_row_id, filename from main.green_tripdata"))


def _land(lane, month: str, **env):
    run = _timed(
        lane,
        f"land {month}",
        lambda: lane.loader("load", "--taxi", "green", "--month", month, **env),
    )
    assert run.returncode == 0, run.stderr
    return run


def test_build_on_the_emulator(bq_lane, workspace, tmp_path, shared_tlc):
    lane = bq_lane
    lane.timings["emulator start-up"] = round(lane.emulator.startup_seconds or 0, 2)
    started = time.monotonic()

    # 1. green 2021-01 lands in the bucket and builds: rows, tests, merge log.
    _land(lane, "2021-01")
    rows = _stage(lane, "stage 1")
    assert rows[f"{lane.landing_uri}/green/green_tripdata_2021-01.csv"] == GREEN_ROWS["2021-01"]
    first = _build(lane, "build 1 (first, 2021-01)")
    for test in (
        "unique_in_merged_months_green_tripdata_unique_row_id",
        "not_null_in_merged_months_green_tripdata_unique_row_id",
    ):
        assert f"PASS {test}" in first.stdout.replace("\x1b[32m", "").replace("\x1b[0m", "")
    assert "tlc_reconciles_green_tripdata_green" in first.stdout
    assert lane.query(f"select count(*) from {TABLE}") == [(76_518,)]
    assert [row[2:7] for row in lane.query(LOG)] == [("merged", 76_518, 76_518, 76_518, 0)]

    # 2. The same file on DuckDB: the same keys, all of them (and the same file names).
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-01").code == 0
    duck = _timed(lane, "duckdb build 2021-01", lambda: workspace.loader("build"))
    assert duck.code == 0, duck.stdout[-3000:]
    bq_keys, duck_keys = _keys(lane), _duckdb_keys(workspace)
    assert len(bq_keys) == len(duck_keys) == 76_518
    assert bq_keys == duck_keys

    # 3. 2021-02 merges incrementally; a build with nothing new changes nothing.
    _land(lane, "2021-02")
    _stage(lane, "stage 2")
    _build(lane, "build 2 (incremental, 2021-02)", via_loader=True)
    assert lane.query(f"select count(*) from {TABLE}") == [(141_090,)]
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-02").code == 0
    assert workspace.loader("build").code == 0
    keys = _keys(lane)
    assert len(keys) == 141_090 and keys == _duckdb_keys(workspace)
    merge_log = lane.query(LOG)
    assert [row[2:7] for row in merge_log] == [
        ("merged", 76_518, 76_518, 76_518, 0),
        ("merged", 64_572, 64_572, 64_572, 0),
    ]
    _stage(lane, "stage 3 (nothing new)")
    _build(lane, "build 3 (nothing new)")
    assert lane.query(LOG) == merge_log  # not even merged_at or the invocation moved
    assert _keys(lane) == keys  # every key, compared as a set: an order-free checksum and more

    # 4. A changed file's rows are replaced whole: 2021-02 republished with its first 1,000
    #    rows only.
    lines = gzip.decompress((shared_tlc / "green/green_tripdata_2021-02.csv.gz").read_bytes())
    changed = b"\r\n".join(lines.split(b"\r\n")[:1001]) + b"\r\n"
    mirror = tmp_path / "changed" / "green"
    mirror.mkdir(parents=True)
    (mirror / "green_tripdata_2021-02.csv.gz").write_bytes(gzip.compress(changed))
    with serve_folder(mirror.parent) as url:
        replaced = _land(lane, "2021-02", TLC_SOURCE_URL=url)
    assert "replaced" in replaced.stdout
    _stage(lane, "stage 4 (changed)")
    _build(lane, "build 4 (changed 2021-02)")
    counts = lane.query(f"select filename, count(*) from {TABLE} group by 1 order by 1")
    assert counts == [("green_tripdata_2021-01.csv", 76_518), ("green_tripdata_2021-02.csv", 1_000)]
    after = _keys(lane)
    february = {key for key in keys if key[1] == "green_tripdata_2021-02.csv"}
    assert after - february == keys - february  # January untouched
    assert len(after & february) == 1_000  # the rows kept are rows it had
    with serve_folder(mirror.parent) as url:  # the same change on DuckDB: the same end state
        assert (
            workspace.loader(
                "load", "--taxi", "green", "--month", "2021-02", "--source-url", url
            ).code
            == 0
        )
    assert workspace.loader("build").code == 0
    assert after == _duckdb_keys(workspace)

    # 5. Freshness and the loader's status, both reading the emulator.
    fresh = _timed(lane, "source freshness", lambda: lane.dbt("source", "freshness"))
    assert fresh.returncode == 0, fresh.stdout[-3000:]
    assert "PASS freshness of tlc.landed_files" in fresh.stdout.replace("\x1b[32m", "")
    status = _timed(lane, "loader status", lambda: lane.loader("status", "--json"))
    assert status.returncode == 0, status.stdout + status.stderr
    files = json.loads(status.stdout)
    assert [(f["file"], f["rows_merged"], f["reconciled"]) for f in files] == [
        ("green_tripdata_2021-01.csv", 76_518, True),
        ("green_tripdata_2021-02.csv", 1_000, True),
    ]

    lane.timings["whole sequence"] = round(time.monotonic() - started, 2)
    rss = lane.emulator.rss_kb()
    lane.timings["emulator RSS now MB"] = round(rss.get("VmRSS", 0) / 1024)
    lane.timings["emulator RSS peak MB"] = round(rss.get("VmHWM", 0) / 1024)
    print("\nBigQuery lane:", json.dumps(lane.timings, indent=1))


def test_parquet_months_on_the_emulator_real_and_of_each_type(bq_lane, workspace, tmp_path,
                                                              shared_tlc):  # fmt: skip
    """The TLC's real parquet month (green 2024-01, 56,551 rows, served from ../shared as the
    parquet source) and a generated parquet month of each type (the TLC's schemas) land as
    canonical parquet in the bucket, are staged by parquet load jobs and merge on the emulator
    to their row counts, with the keys the DuckDB target gives the same files. A dataset and
    bucket of its own."""
    from tests.bigquery.emulator import stage_sources

    lane = bq_lane
    bucket, dataset = f"taxi-pq-{uuid.uuid4().hex[:8]}", "taxi_parquet"
    lane.storage_client().create_bucket(bucket)
    landing = f"gs://{bucket}/landing"
    mirror = tmp_path / "parquet"
    for taxi in TAXI_TYPES.values():
        write_parquet_month(mirror, taxi, Month(2021, 3), 2_000, seed=8)
    env = {"LANDING_URI": landing, "BQ_DATASET": dataset, "TLC_SOURCE_FORMAT": "parquet"}
    for folder, month, taxis in ((mirror, "2021-03", "all"),
                                 (shared_tlc / "parquet", "2024-01", "green")):  # fmt: skip
        with serve_folder(folder) as url:
            load = lane.loader("load", "--month", month, "--taxi", taxis, TLC_SOURCE_URL=url,
                               **env)  # fmt: skip
            assert load.returncode == 0, load.stderr
            duck = workspace.loader("load", "--month", month, "--taxi", taxis,
                                    TLC_SOURCE_URL=url, TLC_SOURCE_FORMAT="parquet")  # fmt: skip
            assert duck.code == 0, duck.stderr
    staged = stage_sources(lane.client(), lane.storage_client(), landing_uri=landing,
                           dataset=dataset)  # fmt: skip
    real = f"{landing}/green/green_tripdata_2024-01.parquet"
    for taxi in TAXI_TYPES.values():
        uri = f"{landing}/{taxi.name}/{taxi.name}_tripdata_2021-03.parquet"
        expected = {uri: 2_000, **({real: 56_551} if taxi.name == "green" else {})}
        assert staged[f"{taxi.name}_tripdata_parquet_ext"].rows == expected
    run = lane.dbt("build", **env)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert workspace.loader("build").code == 0
    log = lane.query(
        f"select taxi, filename, rows_read, rows_merged, duplicates_removed from "
        f"`taxi-emu.{dataset}.merge_log` order by taxi, filename"
    )
    expected = sorted(
        [(name, f"{name}_tripdata_2021-03.parquet", 2_000) for name in TAXI_TYPES]
        + [("green", "green_tripdata_2024-01.parquet", 56_551)]
    )
    assert [(taxi, name, read) for taxi, name, read, _, _ in log] == expected
    # The real month holds no duplicate: every row merged, on both engines.
    assert [row[3:] for row in log if row[1] == "green_tripdata_2024-01.parquet"] == [(56_551, 0)]
    assert workspace.query(
        "select rows_read, rows_merged from merge_log where filename = "
        "'green_tripdata_2024-01.parquet'"
    ) == [(56_551, 56_551)]
    for taxi in TAXI_TYPES.values():
        table = f"`taxi-emu.{dataset}.{taxi.name}_tripdata`"
        keys = set(lane.query(f"select unique_row_id, filename from {table}"))
        duck_keys = set(
            workspace.query(f"select unique_row_id, filename from {taxi.name}_tripdata")
        )
        assert keys == duck_keys and len(keys) > 1_900, taxi.name
        if taxi.name == "green":  # the real month's 56,551 keys, the same on both engines
            assert sum(name == "green_tripdata_2024-01.parquet" for _, name in keys) == 56_551
