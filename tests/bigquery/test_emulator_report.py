"""`python -m loader report` on the BigQuery target: green 2021-01 landed in fake-gcs-server,
built by dbt-bigquery on bqemulator, the page's numbers read back and compared with queries on
the emulator. A dataset and a landing prefix of its own: the lane's other test is untouched."""

from __future__ import annotations

import uuid

import pytest

from tests.bigquery.conftest import PROJECT
from tests.bigquery.emulator import stage_sources
from tests.conftest import GREEN_ROWS
from tests.support.report_dom import metric_values, parse_metrics

pytestmark = pytest.mark.e2e


def test_report_reads_the_bigquery_marts(bq_lane, tmp_path):
    lane = bq_lane
    dataset = f"report_{uuid.uuid4().hex[:8]}"
    env = {"BQ_DATASET": dataset, "LANDING_URI": f"gs://{lane.bucket}/report-landing"}
    landed = lane.loader("load", "--taxi", "green", "--month", "2021-01", **env)
    assert landed.returncode == 0, landed.stderr

    before = lane.loader("report", "--output", str(tmp_path / "none.html"), **env)
    assert before.returncode == 1
    # No dataset yet (real BigQuery: NotFound) or no marts in it (the emulator lists none).
    assert before.stderr in (
        f"error: nothing built yet: run make build (no dataset {PROJECT}.{dataset})\n",
        "error: the marts are not built yet (fct_trips, fct_monthly_zone_revenue, dim_zones "
        f"missing in BigQuery {PROJECT}.{dataset}): run make build\n",
    ), before.stderr

    stage_sources(
        lane.client(), lane.storage_client(), landing_uri=env["LANDING_URI"], dataset=dataset
    )
    build = lane.dbt("build", **env)
    assert build.returncode == 0, build.stdout[-6000:] + build.stderr[-2000:]

    output = tmp_path / "report.html"
    run = lane.loader("report", "--output", str(output), **env)
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
