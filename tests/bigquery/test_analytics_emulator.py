"""The analytics layer on the BigQuery emulator lane: green 2021-01 lands in fake-gcs-server,
builds on bqemulator, and the marts hold what DuckDB's hold for the same month; the report
(`python -m loader report` on the BigQuery target) refuses before the build and reads the marts
after it.

A bucket and a dataset of its own, so the order of the lane's tests does not matter. The
emulator runs the seeds, the staging views, fct_trips (merge strategy, partitioned by pickup
month: metadata the emulator drops), the revenue mart, every data test and the dbt unit tests:
nothing is excluded.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.bigquery.conftest import PROJECT, BigQueryLane
from tests.bigquery.emulator import stage_sources
from tests.conftest import GREEN_ROWS
from tests.support.report_dom import metric_values, parse_metrics

pytestmark = pytest.mark.e2e
DATASET = "taxi_analytics"
UNIT_TESTS = (
    "fct_trips::fct_trips_duration_zones_and_codes",
    "fct_monthly_zone_revenue::fct_monthly_zone_revenue_sums",
)


class AnalyticsLane(BigQueryLane):
    """The lane with a bucket and dataset of this module only."""

    def env(self, **extra: str) -> dict[str, str]:
        return super().env(BQ_DATASET=DATASET, **extra)

    def stage(self):
        return stage_sources(
            self.client(), self.storage_client(), landing_uri=self.landing_uri, dataset=DATASET
        )


@pytest.fixture
def analytics_lane(gcs_fs_server, bq_emulator, tlc_server, bq_lane_dir) -> AnalyticsLane:
    bucket = f"analytics-{uuid.uuid4().hex[:12]}"
    lane = AnalyticsLane(gcs_fs_server, bq_emulator, bucket, tlc_server, bq_lane_dir / bucket)
    lane.storage_client().create_bucket(bucket)
    return lane


def _table(name: str) -> str:
    return f"`taxi-emu.{DATASET}.{name}`"


MART_FIGURES = {
    "fct_trips": (
        "select service_type, count(*), count(distinct unique_row_id), count(pickup_zone), "
        "count(vendor_name), sum(trip_duration_seconds), sum(total_amount), "
        "count(distinct pickup_month) from {fct_trips} group by service_type"
    ),
    "fct_monthly_zone_revenue": (
        "select service_type, count(*), sum(trips), sum(total_amount), "
        "sum(fare_amount), sum(avg_trip_distance) "
        "from {fct_monthly_zone_revenue} group by service_type"
    ),
    "dim_zones": "select count(*), count(distinct borough) from {dim_zones}",
}


def _text(value: object) -> str:
    """Numbers as text, decimals without trailing zeros (the engines differ in scale)."""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


def _figures(query, table) -> dict[str, list[tuple]]:
    names = {name: table(name) for name in MART_FIGURES}
    return {
        name: sorted(tuple(_text(value) for value in row) for row in query(sql.format(**names)))
        for name, sql in MART_FIGURES.items()
    }


def test_the_marts_on_the_emulator_equal_duckdb(analytics_lane, workspace, tmp_path):
    lane = analytics_lane
    landed = lane.loader("load", "--taxi", "green", "--month", "2021-01")
    assert landed.returncode == 0, landed.stderr
    before = lane.loader("report", "--output", str(tmp_path / "none.html"))
    assert before.returncode == 1
    # No dataset yet (real BigQuery: NotFound) or no marts in it (the emulator lists none).
    assert before.stderr in (
        f"error: nothing built yet: run make build (no dataset {PROJECT}.{DATASET})\n",
        "error: the marts are not built yet (fct_trips, fct_monthly_zone_revenue, dim_zones "
        f"missing in BigQuery {PROJECT}.{DATASET}): run make build\n",
    ), before.stderr
    lane.stage()
    build = lane.dbt("build")
    assert build.returncode == 0, build.stdout[-6000:] + build.stderr[-2000:]
    assert "Deprecation" not in build.stdout
    assert "ERROR=0" in build.stdout and "WARN=3" in build.stdout
    for unit_test in UNIT_TESTS:
        assert f"PASS {unit_test}" in build.stdout.replace("\x1b[32m", "").replace("\x1b[0m", "")

    assert_the_report_reads_the_marts(lane, DATASET, tmp_path)

    assert workspace.loader("load", "--taxi", "green", "--month", "2021-01").code == 0
    duck = workspace.loader("build")
    assert duck.code == 0, duck.stdout[-3000:]

    on_bigquery = _figures(lane.query, _table)
    on_duckdb = _figures(workspace.query, lambda name: f"main.{name}")
    assert on_bigquery == on_duckdb
    assert on_duckdb["fct_trips"][0][:3] == ("green", str(GREEN_ROWS["2021-01"]), "76518")
    assert on_duckdb["dim_zones"] == [("265", "7")]

    # A second build on the emulator changes nothing: no file in the batch, the same marts.
    again = lane.dbt("build")
    assert again.returncode == 0, again.stdout[-6000:]
    assert "fct_trips batch: 0 file(s) to insert [], 0 gone []" in again.stdout
    assert _figures(lane.query, _table) == on_bigquery


def assert_the_report_reads_the_marts(lane, dataset: str, tmp_path) -> None:
    """`python -m loader report` on the BigQuery target: the page's numbers read back and
    compared with queries on the emulator."""
    output = tmp_path / "report.html"
    run = lane.loader("report", "--output", str(output))
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"report: {output}\n"
    metrics = parse_metrics(output.read_text())

    table = f"`{PROJECT}.{dataset}.{{}}`".format
    assert lane.query(f"select count(*) from {table('fct_trips')}") == [(GREEN_ROWS["2021-01"],)]
    assert metric_values(metrics, "fct_trips_rows", "service") == {
        "green": "76,518",
        "all": "76,518",
    }
    monthly = lane.query(
        "select format_date('%Y-%m', pickup_month), sum(trips), sum(total_amount) "
        f"from {table('fct_monthly_zone_revenue')} where service_type = 'green' group by 1"
    )
    assert metric_values(metrics, "trips", "month") == {
        **{month: f"{trips:,}" for month, trips, _ in monthly},
        "all": "76,518",
    }
    assert metric_values(metrics, "revenue", "month") == {
        **{month: f"{amount:,.2f}" for month, _, amount in monthly},
        "all": f"{sum(amount for _, _, amount in monthly):,.2f}",
    }
    top = lane.query(
        "select pickup_location_id, sum(trips) as trips, sum(total_amount) as revenue "
        f"from {table('fct_monthly_zone_revenue')} "
        "group by 1 order by trips desc, revenue desc, 1 limit 10"
    )
    assert [
        item.attributes["zone"] for item in metrics if item.attributes["metric"] == "zone_trips"
    ] == [str(location) for location, _, _ in top]
    assert metric_values(metrics, "zone_trips", "zone") == {
        str(location): f"{trips:,}" for location, trips, _ in top
    }
    assert metric_values(metrics, "rows_merged", "file") == {
        "green_tripdata_2021-01.csv": "76,518",
        "all": "76,518",
    }
    assert metric_values(metrics, "reconciled", "file") == {
        "green_tripdata_2021-01.csv": "yes",
        "all": "1/1",
    }
    assert f"BigQuery {PROJECT}.{dataset}" in output.read_text()
