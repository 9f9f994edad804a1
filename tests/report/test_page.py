"""The report page builder: escaping, the numbers' data attributes, the empty warehouse, and a
page that fetches nothing. No dbt, no warehouse: ReportData and FileStatus built by hand."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from loader.reconcile import FileStatus
from loader.report.page import NOTHING_LANDED, NOTHING_MERGED, render_page
from loader.report.queries import MonthlyRevenue, ReportData, ZoneRevenue
from tests.support.chromium import chromium
from tests.support.report_dom import metric_values, page_text, parse_metrics

HOSTILE = "<script>alert('x')</script> & \"quoted\""


def file_status(**changes) -> FileStatus:
    values = dict(
        taxi="green",
        month="2021-01",
        file="green_tripdata_2021-01.csv",
        bytes=1_000,
        rows_landed=76_518,
        rows_merged=76_518,
        duplicates_removed=0,
        landed_at="2026-12-02T06:00:00.000000Z",
        merged=True,
        unreadable=False,
        reconciled=True,
        problem=None,
    )
    values.update(changes)
    return FileStatus(**values)


def report_data(**changes) -> ReportData:
    values = dict(
        warehouse="DuckDB /tmp/taxi.duckdb",
        trips_by_service={"green": 73_058, "yellow": 999},
        monthly=[
            MonthlyRevenue("2021-01", "green", 73_058, Decimal("1234567.80")),
            MonthlyRevenue("2020-01", "yellow", 999, Decimal("-12.05")),
        ],
        top_zones=[
            ZoneRevenue(74, "Manhattan", "East Harlem North", 9_000, Decimal("150000.25")),
            ZoneRevenue(75, "Manhattan", "East Harlem South", 8_000, Decimal("140000.00")),
        ],
        zones=265,
    )
    values.update(changes)
    return ReportData(**values)


def test_every_number_is_in_the_dom_with_its_attributes():
    yellow = file_status(
        taxi="yellow",
        month="2020-01",
        file="yellow_tripdata_2020-01.csv",
        rows_landed=1_001,
        rows_merged=999,
        duplicates_removed=2,
        reconciled=False,
        problem="dbt read 1,000 rows, the manifest says 1,001",
    )
    page = render_page(report_data(), [file_status(), yellow], generated_at="2026-12-02 07:00 UTC")
    metrics = parse_metrics(page)
    trips = {
        (item.attributes["service"], item.attributes["month"]): (
            item.text,
            item.attributes["value"],
        )
        for item in metrics
        if item.attributes["metric"] == "trips"
    }
    assert trips == {
        ("green", "2021-01"): ("73,058", "73058"),
        ("yellow", "2020-01"): ("999", "999"),
        ("all", "all"): ("74,057", "74057"),
    }
    revenue = metric_values(metrics, "revenue", "month")
    assert revenue == {"2021-01": "1,234,567.80", "2020-01": "-12.05", "all": "1,234,555.75"}
    assert metric_values(metrics, "fct_trips_rows", "service") == {
        "green": "73,058",
        "yellow": "999",
        "all": "74,057",
    }
    assert metric_values(metrics, "zone_trips", "zone") == {"74": "9,000", "75": "8,000"}
    assert metric_values(metrics, "zone_revenue", "zone") == {
        "74": "150,000.25",
        "75": "140,000.00",
    }
    assert metric_values(metrics, "rows_landed", "file") == {
        "green_tripdata_2021-01.csv": "76,518",
        "yellow_tripdata_2020-01.csv": "1,001",
        "all": "77,519",
    }
    assert metric_values(metrics, "rows_merged", "file") == {
        "green_tripdata_2021-01.csv": "76,518",
        "yellow_tripdata_2020-01.csv": "999",
        "all": "77,517",
    }
    assert metric_values(metrics, "duplicates_removed", "file") == {
        "green_tripdata_2021-01.csv": "0",
        "yellow_tripdata_2020-01.csv": "2",
        "all": "2",
    }
    assert metric_values(metrics, "reconciled", "file") == {
        "green_tripdata_2021-01.csv": "yes",
        "yellow_tripdata_2020-01.csv": "no",
        "all": "1/2",
    }
    assert "CSV" in page_text(page)


def test_values_are_escaped_in_text_and_attributes():
    hostile_zone = ZoneRevenue(7, HOSTILE, HOSTILE, 1, Decimal("1.00"))
    page = render_page(
        report_data(
            warehouse=HOSTILE,
            trips_by_service={HOSTILE: 5},
            monthly=[MonthlyRevenue("2021-01", HOSTILE, 5, Decimal("5.00"))],
            top_zones=[hostile_zone],
        ),
        [file_status(problem=HOSTILE, reconciled=False, rows_merged=None)],
        generated_at=HOSTILE,
    )
    assert "<script" not in page
    assert "alert(&#x27;x&#x27;)" in page and "&quot;quoted&quot;" in page
    metrics = parse_metrics(page)
    # The parser decodes the entities: the page shows the values exactly as they were.
    assert metric_values(metrics, "problem", "file") == {"green_tripdata_2021-01.csv": HOSTILE}
    assert metric_values(metrics, "zone_name", "zone") == {"7": HOSTILE}
    assert metric_values(metrics, "fct_trips_rows", "service") == {HOSTILE: "5", "all": "5"}
    assert metric_values(metrics, "trips", "service") == {HOSTILE: "5", "all": "5"}
    assert metric_values(metrics, "reconciled", "file") == {
        "green_tripdata_2021-01.csv": "no",
        "all": "0/1",
    }
    assert metric_values(metrics, "rows_merged", "file") == {
        "green_tripdata_2021-01.csv": "-",
        "all": "0",
    }
    assert page_text(page).count(HOSTILE) >= 5


def test_an_empty_warehouse_says_what_to_run():
    page = render_page(
        report_data(trips_by_service={}, monthly=[], top_zones=[], zones=0),
        [],
        generated_at="2026-12-02 07:00:00 UTC",
    )
    text = page_text(page)
    assert text.count(NOTHING_MERGED) == 3
    assert NOTHING_LANDED in text
    assert "<svg" not in page and "<table" not in page
    assert parse_metrics(page) == []


def test_marts_empty_but_files_landed_still_lists_the_files():
    page = render_page(
        report_data(trips_by_service={}, monthly=[], top_zones=[]),
        [
            file_status(
                rows_merged=None,
                duplicates_removed=None,
                merged=False,
                reconciled=False,
                problem="landed, not merged yet: run make build",
            )
        ],
        generated_at="2026-12-02 07:00:00 UTC",
    )
    assert NOTHING_MERGED in page_text(page)
    assert metric_values(parse_metrics(page), "problem", "file") == {
        "green_tripdata_2021-01.csv": "landed, not merged yet: run make build"
    }


def test_the_page_is_self_contained_and_deterministic():
    first = render_page(report_data(), [file_status()], generated_at="2026-12-02 07:00:00 UTC")
    second = render_page(report_data(), [file_status()], generated_at="2026-12-02 07:00:00 UTC")
    assert first == second  # the SVG's ids and text too: svg.hashsalt fixed, no date
    assert first.count("<svg") == 1 and "<?xml" not in first and "<!DOCTYPE svg" not in first
    # Nothing to fetch: no scripts, stylesheets, images or fonts from anywhere.
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", first, re.IGNORECASE)
    assert not re.search(r"\b(src|href)\s*=\s*[\"']?(https?:|//)", first, re.IGNORECASE)
    assert not re.search(r"url\((?!#)|@import", first, re.IGNORECASE)  # only url(#clip)
    # Text stays text in the SVG (svg.fonttype none): the month labels are readable.
    assert re.search(r"<text[^>]*>[^<]*2021-01", first)


def test_without_chromium_the_browser_test_fails_naming_make_test(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # a PATH with no chromium on it
    with pytest.raises(pytest.fail.Exception, match=r"chromium is not installed: `make test`"):
        chromium()


def test_stray_pickup_months_are_named_under_the_plot():
    files = [file_status()]  # green 2021-01 landed; the data also has 2020-01 pickups
    page = render_page(report_data(), files, generated_at="2026-12-02 07:00:00 UTC")
    assert "Pickup months no landed file is named for (yellow 2020-01) are real rows" in (
        page_text(page)
    )
    landed = [file_status(), file_status(taxi="yellow", month="2020-01", file="y.csv")]
    page = render_page(report_data(), landed, generated_at="2026-12-02 07:00:00 UTC")
    assert "Pickup months no landed file" not in page_text(page)
