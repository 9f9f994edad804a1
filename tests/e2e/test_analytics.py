"""The analytics layer end to end on real files: green 2021-01..07 and the yellow 2020-01
sample land, one build makes fct_trips, dim_zones and the monthly revenue; every test passes
or warns with its count; a second build changes nothing; fct_trips takes new, late, changed
and purged files one file at a time."""

from __future__ import annotations

import gzip
import json
import re

from tests.conftest import GREEN_ROWS, gzip_into
from tests.support.http_server import serve_folder

YELLOW_SAMPLE = "samples/yellow_tripdata_2020-01_head499_tail500.csv"
BATCH = re.compile(r"fct_trips batch: (\d+) file\(s\) to insert (\[.*?\]), (\d+) gone (\[.*\])")
# Rows without trip metadata (empty VendorID, RatecodeID, payment_type...): 249,115 of the
# green months and 500 of the yellow sample. Every code present is in the dictionary seeds.
WITHOUT_METADATA = 249_115 + 500
WARNINGS = {
    "not_null_fct_trips_vendor_id": WITHOUT_METADATA,
    "not_null_fct_trips_rate_code_id": WITHOUT_METADATA,
    "not_null_fct_trips_payment_type": WITHOUT_METADATA,
}


# The marts' columns, in order: the contract the report (make report) reads.
CONTRACT = {
    "fct_trips": [
        "unique_row_id",
        "service_type",
        "filename",
        "file_merged_at",
        "vendor_id",
        "vendor_name",
        "pickup_at",
        "dropoff_at",
        "pickup_month",
        "trip_duration_seconds",
        "pickup_location_id",
        "pickup_borough",
        "pickup_zone",
        "dropoff_location_id",
        "dropoff_borough",
        "dropoff_zone",
        "store_and_fwd_flag",
        "rate_code_id",
        "rate_code_description",
        "passenger_count",
        "trip_distance",
        "trip_type",
        "trip_type_description",
        "payment_type",
        "payment_type_description",
        "fare_amount",
        "extra",
        "mta_tax",
        "tip_amount",
        "tolls_amount",
        "ehail_fee",
        "improvement_surcharge",
        "congestion_surcharge",
        "airport_fee",
        "total_amount",
    ],
    "fct_monthly_zone_revenue": [
        "pickup_month",
        "service_type",
        "pickup_location_id",
        "pickup_borough",
        "pickup_zone",
        "trips",
        "fare_amount",
        "extra",
        "mta_tax",
        "tip_amount",
        "tolls_amount",
        "ehail_fee",
        "improvement_surcharge",
        "congestion_surcharge",
        "airport_fee",
        "total_amount",
        "avg_trip_distance",
        "avg_trip_duration_seconds",
    ],
    "dim_zones": ["location_id", "borough", "zone", "service_zone"],
}


def _columns(workspace, table: str) -> list[tuple[str, str]]:
    return workspace.query(
        "select column_name, data_type from information_schema.columns "
        f"where table_schema = 'main' and table_name = '{table}' order by ordinal_position"
    )


def _node_name(unique_id: str) -> str:
    """test.taxi_elt.<name>.<hash>, unit_test.taxi_elt.<model>.<name>, model.taxi_elt.<name>."""
    parts = unique_id.split(".")
    return parts[3] if parts[0] == "unit_test" else parts[2]


def _build(workspace) -> tuple[str, dict[str, tuple[str, int | None]]]:
    """`python -m loader build`; the build's dbt log (its own lines, e.g. fct_trips' batch:
    on a pipe the console shows only warnings and errors) and {test or model name: (status,
    failures)}."""
    log = workspace.root / "logs" / "dbt.log"
    log.unlink(missing_ok=True)
    run = workspace.loader("build")
    assert run.code == 0, run.stdout[-4000:] + run.stderr[-2000:]
    results = json.loads((workspace.root / "target" / "run_results.json").read_text())
    statuses = {
        _node_name(result["unique_id"]): (result["status"], result["failures"])
        for result in results["results"]
    }
    bad = {name: status for name, status in statuses.items() if status[0] in ("error", "fail")}
    assert bad == {}, run.stdout[-4000:]
    return log.read_text(), statuses


def _batch(stdout: str) -> tuple[list[list[str]], list[list[str]]]:
    """The files the build inserted into fct_trips and those it removed (its log line)."""
    found = BATCH.findall(stdout)
    assert len(found) == 1, stdout[-3000:]
    inserted, gone = json.loads(found[0][1]), json.loads(found[0][3])
    assert (len(inserted), len(gone)) == (int(found[0][0]), int(found[0][2]))
    return inserted, gone


def _per_file(workspace) -> dict[tuple[str, str], tuple]:
    """(service_type, filename) -> (rows, distinct keys, key checksum, file_merged_at)."""
    rows = workspace.query(
        "select service_type, filename, count(*), count(distinct unique_row_id), "
        "sum(hash(unique_row_id) % 1000000007), min(file_merged_at), max(file_merged_at) "
        "from fct_trips group by all"
    )
    per_file = {}
    for service_type, filename, count, keys, checksum, first, last in rows:
        assert first == last  # one merge per file
        per_file[(service_type, filename)] = (count, keys, checksum, last)
    return per_file


def _merged_per_file(workspace) -> dict[tuple[str, str], int]:
    rows = workspace.query(
        "select 'green', filename, count(*) from green_tripdata group by all "
        "union all select 'yellow', filename, count(*) from yellow_tripdata group by all"
    )
    return {(service_type, filename): count for service_type, filename, count in rows}


def _land_yellow_sample(workspace, shared_tlc, mirror) -> None:
    gzip_into(shared_tlc / YELLOW_SAMPLE, mirror / "yellow/yellow_tripdata_2020-01.csv.gz")
    with serve_folder(mirror) as url:
        run = workspace.loader(
            "load", "--taxi", "yellow", "--month", "2020-01", "--source-url", url
        )
    assert run.code == 0, run.stderr


def _backfill(workspace, first: str, last: str) -> None:
    run = workspace.loader(
        "backfill", "--from", first, "--to", last, "--taxi", "green", "--no-build"
    )
    assert run.code == 0, run.stdout + run.stderr


def test_the_marts_over_seven_green_months_and_the_yellow_sample(workspace, shared_tlc, mirror):
    _backfill(workspace, "2021-01", "2021-07")
    _land_yellow_sample(workspace, shared_tlc, mirror)
    stdout, results = _build(workspace)

    green_rows = sum(GREEN_ROWS[f"2021-0{month}"] for month in range(1, 8))
    assert green_rows == 570_466
    assert workspace.query("select count(*) from fct_trips") == [(571_465,)]
    assert workspace.query("select count(*) from dim_zones") == [(265,)]
    assert workspace.query(
        "select service_type, count(*) from fct_trips group by 1 order by 1"
    ) == [("green", 570_466), ("yellow", 999)]
    per_file = _per_file(workspace)
    assert {key: value[0] for key, value in per_file.items()} == _merged_per_file(workspace)
    assert all(count == keys for count, keys, _, _ in per_file.values())
    assert workspace.query(
        "select count(*) from fct_trips where pickup_zone is null or dropoff_zone is null"
    ) == [(0,)]

    # The contract, and one shape for every staging model (same names, types and order).
    for table, names in CONTRACT.items():
        assert [name for name, _ in _columns(workspace, table)] == names, table
    fct_types = dict(_columns(workspace, "fct_trips"))
    assert (fct_types["pickup_month"], fct_types["trip_duration_seconds"]) == ("DATE", "BIGINT")
    staged = _columns(workspace, "stg_trips__green")
    assert (
        staged
        == _columns(workspace, "stg_trips__yellow")
        == _columns(workspace, "int_trips_unioned")
    )
    assert [name for name, _ in staged] == [
        name for name in CONTRACT["fct_trips"] if name in dict(staged)
    ]

    # Every test passed or warned; the warnings are the rows without trip metadata, counted.
    warned = {name: failures for name, (status, failures) in results.items() if status == "warn"}
    assert warned == WARNINGS
    for name in (
        "relationships_fct_trips_pickup_location_id__location_id__ref_dim_zones_",
        "relationships_fct_trips_vendor_id__vendor_id__ref_vendors_",
        "relationships_fct_trips_payment_type__payment_type__ref_payment_types_",
        "relationships_fct_trips_rate_code_id__rate_code_id__ref_rate_codes_",
        "relationships_fct_trips_trip_type__trip_type__ref_trip_types_",
        "assert_fct_trips_rows_match_merged_tables",
        "fct_trips_duration_zones_and_codes",
        "fct_monthly_zone_revenue_sums",
    ):
        assert results[name] == ("pass", 0), name
    for line in (f"WARN {WITHOUT_METADATA} {name}" for name in WARNINGS):
        assert line in stdout.replace("\x1b[33m", "").replace("\x1b[0m", "")

    # The revenue mart adds up to fct_trips, per service type.
    assert workspace.query(
        "select service_type, sum(trips), sum(total_amount), sum(tip_amount) "
        "from fct_monthly_zone_revenue group by 1 order by 1"
    ) == workspace.query(
        "select service_type, count(*), sum(total_amount), sum(tip_amount) "
        "from fct_trips group by 1 order by 1"
    )

    # A second build changes nothing: fct_trips takes no file, every row stays as it was.
    revenue = workspace.query("select * from fct_monthly_zone_revenue order by 1, 2, 3")
    again, _ = _build(workspace)
    assert _batch(again) == ([], [])
    assert _per_file(workspace) == per_file
    assert workspace.query("select * from fct_monthly_zone_revenue order by 1, 2, 3") == revenue

    # The docs: lineage from the landed files to the marts.
    docs = workspace.dbt("docs", "generate")
    assert docs.code == 0, docs.stdout[-3000:]
    manifest = json.loads((workspace.root / "target" / "manifest.json").read_text())
    nodes = {**manifest["nodes"], **manifest["sources"]}

    def upstream(unique_id: str) -> set[str]:
        parents = set(nodes[unique_id].get("depends_on", {}).get("nodes", []))
        return parents.union(*(upstream(parent) for parent in parents))

    assert {
        "source.taxi_elt.tlc.green_tripdata_ext",
        "source.taxi_elt.tlc.yellow_tripdata_ext",
        "source.taxi_elt.taxi_elt.merge_log",
        "seed.taxi_elt.taxi_zone_lookup",
        "model.taxi_elt.int_trips_unioned",
    } <= upstream("model.taxi_elt.fct_monthly_zone_revenue")


def test_fct_trips_takes_new_late_and_changed_files_one_file_at_a_time(
    workspace, shared_tlc, mirror
):
    def rows_now() -> int:
        (count,) = workspace.query("select count(*) from fct_trips")[0]
        (revenue_trips,) = workspace.query("select sum(trips) from fct_monthly_zone_revenue")[0]
        assert revenue_trips == count
        return count

    _backfill(workspace, "2021-02", "2021-03")
    first, _ = _build(workspace)
    assert "fct_trips: built whole (a first build or a full refresh)" in first
    assert not BATCH.search(first)
    assert rows_now() == GREEN_ROWS["2021-02"] + GREEN_ROWS["2021-03"]
    before = _per_file(workspace)

    # One more month: only its file is inserted; the others keep their rows and merge time.
    _backfill(workspace, "2021-04", "2021-04")
    stdout, _ = _build(workspace)
    assert _batch(stdout) == ([["green", "green_tripdata_2021-04.csv"]], [])
    after = _per_file(workspace)
    assert {key: after[key] for key in before} == before
    assert after[("green", "green_tripdata_2021-04.csv")][0] == GREEN_ROWS["2021-04"]
    assert rows_now() == sum(GREEN_ROWS[f"2021-0{month}"] for month in (2, 3, 4))

    # A month earlier than every other one (a late backfill) is not skipped.
    _backfill(workspace, "2021-01", "2021-01")
    stdout, _ = _build(workspace)
    assert _batch(stdout) == ([["green", "green_tripdata_2021-01.csv"]], [])
    assert rows_now() == sum(GREEN_ROWS[f"2021-0{month}"] for month in (1, 2, 3, 4))
    before = _per_file(workspace)

    # 2021-03 re-published with its first 1,000 rows: its rows are replaced, nothing else moves.
    lines = gzip.decompress((shared_tlc / "green/green_tripdata_2021-03.csv.gz").read_bytes())
    changed = b"\r\n".join(lines.split(b"\r\n")[:1001]) + b"\r\n"
    (mirror / "green/green_tripdata_2021-03.csv.gz").write_bytes(gzip.compress(changed))
    with serve_folder(mirror) as url:
        run = workspace.loader("load", "--taxi", "green", "--month", "2021-03", "--source-url", url)
    assert run.code == 0 and "replaced" in run.stdout, run.stdout + run.stderr
    stdout, _ = _build(workspace)
    assert _batch(stdout) == ([["green", "green_tripdata_2021-03.csv"]], [])
    after = _per_file(workspace)
    march = ("green", "green_tripdata_2021-03.csv")
    assert after[march][0] == after[march][1] == 1_000
    assert after[march][3] > before[march][3]
    assert {key: value for key, value in after.items() if key != march} == {
        key: value for key, value in before.items() if key != march
    }
    assert {key: value[0] for key, value in after.items()} == _merged_per_file(workspace)
    assert rows_now() == sum(GREEN_ROWS[f"2021-0{month}"] for month in (1, 2, 4)) + 1_000

    # 2021-01 purged and its merged table rebuilt: its rows leave fct_trips; the rebuild
    # merged the other files again, so their rows are inserted afresh (same keys).
    purge = workspace.loader("purge", "--taxi", "green", "--month", "2021-01", "--yes")
    assert purge.code == 0, purge.stdout + purge.stderr
    rebuilt = workspace.dbt(
        "run", "--full-refresh", "--select", "green_tripdata",
        "--vars", "allow_missing_files: true",
    )  # fmt: skip
    assert rebuilt.code == 0, rebuilt.stdout[-3000:]
    stdout, _ = _build(workspace)
    assert _batch(stdout) == (
        [["green", f"green_tripdata_2021-0{month}.csv"] for month in (2, 3, 4)],
        [["green", "green_tripdata_2021-01.csv"]],
    )
    purged = _per_file(workspace)
    assert set(purged) == set(after) - {("green", "green_tripdata_2021-01.csv")}
    assert all(purged[key][:3] == after[key][:3] for key in purged)
    assert rows_now() == GREEN_ROWS["2021-02"] + 1_000 + GREEN_ROWS["2021-04"]
