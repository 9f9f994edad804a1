"""`make demo` runs offline: synthetic mirror -> load -> dbt build -> a reconciled summary,
into the configured landing and warehouse, which the commands after it in the README read."""

from __future__ import annotations

import re


def test_demo_runs_offline_and_reconciles(workspace, tmp_path):
    run = workspace.loader("demo", "--dir", str(tmp_path / "demo"))
    assert run.code == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert "SYNTHETIC" in run.stdout
    for name in (
        "green_tripdata_2021-01.csv",
        "green_tripdata_2021-02.csv",
        "yellow_tripdata_2021-01.csv",
        "yellow_tripdata_2021-02.csv",
    ):
        assert re.search(rf"landed\s+{name}", run.stdout), run.stdout
    assert "4/4 reconciled" in run.stdout
    totals = re.search(r"total\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)", run.stdout)
    landed, merged, duplicates = (int(value.replace(",", "")) for value in totals.groups())
    assert landed == 2 * 20_000 + 2 * 30_000
    assert duplicates > 0  # the generator writes a few exact duplicates
    assert merged + duplicates == landed

    again = workspace.loader("demo", "--dir", str(tmp_path / "demo"))
    assert again.code == 0, again.stdout[-3000:]
    assert again.stdout.count("unchanged") == 4
    assert re.search(r"total\s+([\d,]+)\s+([\d,]+)\s+([\d,]+)", again.stdout).groups() == (
        totals.groups()
    )


def test_demo_leaves_a_landing_with_real_months_alone(workspace, tmp_path):
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-01").code == 0
    before = workspace.landed_files()
    run = workspace.loader("demo", "--dir", str(tmp_path / "demo"))
    assert run.code == 2
    (line,) = run.stderr.strip().splitlines()
    assert "already holds green 2021-01 from http://127.0.0.1:" in line
    assert "LANDING_URI=demo/lake DUCKDB_PATH=demo/taxi.duckdb make demo" in line
    assert workspace.landed_files() == before
