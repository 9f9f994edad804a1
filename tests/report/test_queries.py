"""The report's queries over small hand-made marts in DuckDB, and its one-line errors."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from decimal import Decimal

import duckdb
import pytest

from loader.config import Settings, load_settings
from loader.errors import LoaderError
from loader.report.queries import (
    MonthlyRevenue,
    ZoneRevenue,
    open_warehouse,
    read_report_data,
)
from tests.conftest import PROJECT_ROOT
from tests.support.report_dom import metric_values, parse_metrics


def _settings(path) -> Settings:
    return load_settings({"DUCKDB_PATH": str(path)})


def make_marts(path, *, without: str | None = None) -> None:
    con = duckdb.connect(str(path))
    try:
        if without != "fct_trips":
            con.execute(
                "create table fct_trips as select * from (values "
                "('a', 'green'), ('b', 'green'), ('c', 'green'), ('d', 'yellow')"
                ") as t(unique_row_id, service_type)"
            )
        if without != "fct_monthly_zone_revenue":
            con.execute(
                "create table fct_monthly_zone_revenue ("
                "pickup_month date, service_type varchar, pickup_location_id integer, "
                "pickup_borough varchar, pickup_zone varchar, trips bigint, "
                "total_amount decimal(18, 2))"
            )
            rows = [
                (date(2021, 1, 1), "green", 74, "Manhattan", "East Harlem North", 2, "30.50"),
                (date(2021, 1, 1), "green", 75, "Manhattan", "East Harlem South", 1, "9.99"),
                (date(2021, 2, 1), "green", 75, "Manhattan", "East Harlem South", 1, "100.01"),
                (date(2020, 1, 1), "yellow", 264, None, None, 1, "-3.00"),
                (date(2020, 1, 1), "yellow", 1, "EWR", "Newark Airport", 2, "200.00"),
            ]
            con.executemany(
                "insert into fct_monthly_zone_revenue values (?, ?, ?, ?, ?, ?, ?)", rows
            )
        if without != "dim_zones":
            con.execute("create table dim_zones as select range as location_id from range(265)")
    finally:
        con.close()


def test_the_numbers_come_from_the_marts(tmp_path):
    path = tmp_path / "taxi.duckdb"
    make_marts(path)
    with open_warehouse(_settings(path)) as warehouse:
        data = read_report_data(warehouse)
    assert data.warehouse == f"DuckDB {path}"
    assert data.trips_by_service == {"green": 3, "yellow": 1}
    assert data.zones == 265
    assert data.monthly == [
        MonthlyRevenue("2020-01", "yellow", 3, Decimal("197.00")),
        MonthlyRevenue("2021-01", "green", 3, Decimal("40.49")),
        MonthlyRevenue("2021-02", "green", 1, Decimal("100.01")),
    ]
    # By trips, then revenue: three zones of 2 trips ordered by revenue, then one of 1.
    assert data.top_zones == [
        ZoneRevenue(1, "EWR", "Newark Airport", 2, Decimal("200.00")),
        ZoneRevenue(75, "Manhattan", "East Harlem South", 2, Decimal("110.00")),
        ZoneRevenue(74, "Manhattan", "East Harlem North", 2, Decimal("30.50")),
        ZoneRevenue(264, "unknown", "unknown", 1, Decimal("-3.00")),
    ]


def test_no_warehouse_file_says_nothing_is_built(tmp_path):
    with (
        pytest.raises(LoaderError, match=r"^nothing built yet: run make build"),
        open_warehouse(_settings(tmp_path / "absent.duckdb")),
    ):
        pass
    assert not (tmp_path / "absent.duckdb").exists()  # read-only: nothing created


@pytest.mark.parametrize("mart", ["fct_trips", "fct_monthly_zone_revenue", "dim_zones"])
def test_a_missing_mart_names_make_build(tmp_path, mart):
    path = tmp_path / "taxi.duckdb"
    make_marts(path, without=mart)
    with open_warehouse(_settings(path)) as warehouse, pytest.raises(LoaderError) as raised:
        read_report_data(warehouse)
    message = str(raised.value)
    assert message == (
        f"the marts are not built yet ({mart} missing in DuckDB {path}): run make build"
    )


def run_report(tmp_path, output):
    """`python -m loader report --output <output>` over the DuckDB file in tmp_path."""
    env = {
        "PATH": "/usr/bin:/bin",
        "DUCKDB_PATH": str(tmp_path / "taxi.duckdb"),
        "LANDING_URI": str(tmp_path / "lake"),
        "DBT_TARGET": "duckdb",
    }
    return subprocess.run(
        [sys.executable, "-m", "loader", "report", "--output", str(output)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_command_fails_in_one_line_and_writes_nothing(tmp_path):
    output = tmp_path / "out" / "page.html"
    run = run_report(tmp_path, output)
    assert run.returncode == 1
    assert run.stdout == ""
    assert run.stderr == (
        f"error: nothing built yet: run make build (no warehouse at {tmp_path / 'taxi.duckdb'})\n"
    )
    assert not output.exists()


def test_the_command_writes_the_page_and_prints_its_path(tmp_path):
    make_marts(tmp_path / "taxi.duckdb")
    output = tmp_path / "out" / "page.html"
    run = run_report(tmp_path, output)
    assert run.returncode == 0, run.stderr
    assert run.stdout == f"report: {output}\n"
    page = output.read_text()
    assert metric_values(parse_metrics(page), "fct_trips_rows", "service") == {
        "green": "3",
        "yellow": "1",
        "all": "4",
    }
    assert "Nothing landed yet" in page
    assert [path.name for path in output.parent.iterdir()] == ["page.html"]  # no temporary


def test_an_unwritable_output_is_one_line_naming_the_flag(tmp_path):
    from loader.commands.report import DEFAULT_OUTPUT, write_page

    assert DEFAULT_OUTPUT == PROJECT_ROOT / "report" / "taxi-elt.html"
    (tmp_path / "taken").mkdir()  # a folder where the file should go
    with pytest.raises(LoaderError) as raised:
        write_page("<p>page</p>", tmp_path / "taken")
    message = str(raised.value)
    assert message.startswith(f"cannot write the report to {tmp_path / 'taken'} (")
    assert message.endswith("pick another path with --output (make report OUT=...)")
    assert "\n" not in message
    assert sorted(path.name for path in tmp_path.iterdir()) == ["taken"]  # no temporary left
    assert write_page("<p>page</p>", tmp_path / "new" / "page.html").read_text() == "<p>page</p>"
