"""make report on real files: green 2021-01 + 2021-02 and the yellow 2020-01 sample, built by
dbt, the page opened in headless Chromium, and every number on it checked against the tables."""

from __future__ import annotations

from decimal import Decimal

from tests.conftest import GREEN_ROWS, gzip_into
from tests.support.chromium import WINDOW, chromium, dump_dom, png_size, screenshot
from tests.support.http_server import serve_folder
from tests.support.report_dom import metric_values, parse_metrics

YELLOW_SAMPLE = "samples/yellow_tripdata_2020-01_head499_tail500.csv"
FILES = {
    "green_tripdata_2021-01.csv": GREEN_ROWS["2021-01"],
    "green_tripdata_2021-02.csv": GREEN_ROWS["2021-02"],
    "yellow_tripdata_2020-01.csv": 999,
}


def money(value: Decimal) -> str:
    return f"{Decimal(value).quantize(Decimal('0.01')):,.2f}"


def land_and_build(workspace, shared_tlc, mirror) -> None:
    for month in ("2021-01", "2021-02"):
        run = workspace.loader("load", "--taxi", "green", "--month", month)
        assert run.code == 0, run.stderr
    gzip_into(shared_tlc / YELLOW_SAMPLE, mirror / "yellow/yellow_tripdata_2020-01.csv.gz")
    with serve_folder(mirror) as url:
        run = workspace.loader(
            "load", "--taxi", "yellow", "--month", "2020-01", "--source-url", url
        )
    assert run.code == 0, run.stderr
    build = workspace.dbt("build")
    assert build.code == 0, build.stdout[-3000:]


def test_the_report_shows_the_tables_numbers_in_chromium(workspace, shared_tlc, mirror):
    chromium()  # fail first, with the cure, when it is absent
    land_and_build(workspace, shared_tlc, mirror)
    output = workspace.root / "report" / "taxi-elt.html"
    run = workspace.loader("report", "--output", str(output))
    assert run.code == 0, run.stderr
    assert run.stdout == f"report: {output}\n"

    png = screenshot(output, workspace.root)
    assert png_size(png) == WINDOW
    assert png.stat().st_size > 20_000  # a page of tables and plots, not a blank one
    metrics = parse_metrics(dump_dom(output, workspace.root))

    # fct_trips, per service type: every landed row of the three files, once.
    per_service = dict(workspace.query("select service_type, count(*) from fct_trips group by 1"))
    assert per_service == {"green": 141_090, "yellow": 999}
    assert metric_values(metrics, "fct_trips_rows", "service") == {
        "green": "141,090",
        "yellow": "999",
        "all": "142,089",
    }

    # Trips and revenue per pickup month and taxi type.
    monthly = workspace.query(
        "select strftime(pickup_month, '%Y-%m'), service_type, sum(trips), sum(total_amount) "
        "from fct_monthly_zone_revenue group by 1, 2"
    )
    shown_trips = {
        (item.attributes["month"], item.attributes["service"]): item.text
        for item in metrics
        if item.attributes["metric"] == "trips"
    }
    shown_revenue = {
        (item.attributes["month"], item.attributes["service"]): item.text
        for item in metrics
        if item.attributes["metric"] == "revenue"
    }
    expected_trips = {(month, service): f"{trips:,}" for month, service, trips, _ in monthly}
    expected_revenue = {(month, service): money(amount) for month, service, _, amount in monthly}
    total_trips, total_revenue = workspace.query(
        "select count(*), sum(total_amount) from fct_trips"
    )[0]
    expected_trips[("all", "all")] = f"{total_trips:,}"
    expected_revenue[("all", "all")] = money(total_revenue)
    assert shown_trips == expected_trips
    assert shown_revenue == expected_revenue
    assert total_trips == 142_089
    # The files' own months hold nearly all of them (a few stray pickup dates aside).
    assert int(shown_trips[("2021-01", "green")].replace(",", "")) > 76_000
    assert int(shown_trips[("2020-01", "yellow")].replace(",", "")) > 990

    # The top 10 pickup zones by trips (then revenue), with their names from dim_zones.
    top = workspace.query(
        "select m.pickup_location_id, z.zone, sum(m.trips) as trips, sum(m.total_amount) "
        "from fct_monthly_zone_revenue as m "
        "left join dim_zones as z on z.location_id = m.pickup_location_id "
        "group by 1, 2 order by trips desc, 4 desc, 1 limit 10"
    )
    assert len(top) == 10
    zone_ids = [
        item.attributes["zone"] for item in metrics if item.attributes["metric"] == "zone_trips"
    ]
    assert zone_ids == [str(location) for location, *_ in top]
    assert metric_values(metrics, "zone_trips", "zone") == {
        str(location): f"{trips:,}" for location, _, trips, _ in top
    }
    assert metric_values(metrics, "zone_revenue", "zone") == {
        str(location): money(amount) for location, _, _, amount in top
    }
    assert metric_values(metrics, "zone_name", "zone") == {
        str(location): zone for location, zone, _, _ in top
    }

    # Per landed file: the manifest's rows, the merged tables' rows, the merge log's duplicates.
    merged = dict(
        workspace.query(
            "select filename, count(*) from green_tripdata group by 1 union all "
            "select filename, count(*) from yellow_tripdata group by 1"
        )
    )
    duplicates = dict(workspace.query("select filename, duplicates_removed from merge_log"))
    assert merged == FILES
    assert metric_values(metrics, "rows_landed", "file") == {
        **{file: f"{rows:,}" for file, rows in FILES.items()},
        "all": "142,089",
    }
    assert metric_values(metrics, "rows_merged", "file") == {
        **{file: f"{rows:,}" for file, rows in merged.items()},
        "all": "142,089",
    }
    assert metric_values(metrics, "duplicates_removed", "file") == {
        **{file: f"{count:,}" for file, count in duplicates.items()},
        "all": "0",
    }
    assert metric_values(metrics, "reconciled", "file") == {
        **{file: "yes" for file in FILES},
        "all": "3/3",
    }
    assert metric_values(metrics, "problem", "file") == {file: "" for file in FILES}
