"""The analytics layer on the BigQuery emulator lane: green 2021-01 lands in fake-gcs-server,
builds on bqemulator, and the marts hold what DuckDB's hold for the same month.

A bucket and a dataset of its own, so the order of the lane's tests does not matter. The
emulator runs the seeds, the staging views, fct_trips (merge strategy, partitioned by pickup
month: metadata the emulator drops), the revenue mart, every data test and the dbt unit tests:
nothing is excluded.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.bigquery.conftest import BigQueryLane
from tests.bigquery.emulator import stage_sources
from tests.conftest import GREEN_ROWS

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


def test_the_marts_on_the_emulator_equal_duckdb(analytics_lane, workspace):
    lane = analytics_lane
    landed = lane.loader("load", "--taxi", "green", "--month", "2021-01")
    assert landed.returncode == 0, landed.stderr
    lane.stage()
    build = lane.dbt("build")
    assert build.returncode == 0, build.stdout[-6000:] + build.stderr[-2000:]
    assert "Deprecation" not in build.stdout
    assert "ERROR=0" in build.stdout and "WARN=3" in build.stdout
    for unit_test in UNIT_TESTS:
        assert f"PASS {unit_test}" in build.stdout.replace("\x1b[32m", "").replace("\x1b[0m", "")

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
