"""Everything that becomes a path, an object name or SQL is checked against a strict pattern."""

from __future__ import annotations

import pytest

HOSTILE = ["../x", "green'", "green;rm -rf /", "green\nyellow", "g" * 5000, "", "GREEN"]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_taxi_values(workspace, value):
    run = workspace.loader("load", "--taxi", value, "--month", "2021-01")
    assert run.code == 2 and run.stderr.count("\n") == 1, run.stderr
    assert len(run.stderr) < 300  # a 5000-character value is not echoed back
    assert workspace.landed_files() == []


@pytest.mark.parametrize(
    "value", ["../2021-01", "2021-01'", "2021-01;", "2021-01\n", "9" * 5000, "2021-1", ""]
)
def test_hostile_month_values(workspace, value):
    run = workspace.loader("load", "--taxi", "green", "--month", value)
    assert run.code == 2 and run.stderr.count("\n") == 1, run.stderr
    assert len(run.stderr) < 300
    assert workspace.landed_files() == []


@pytest.mark.parametrize(
    "value",
    [
        "/tmp/lake'; drop table x; --",
        "/tmp/lake\n/tmp/other",
        "/tmp/my lake",
        "gs://UPPER/landing",
        "gs://bucket/../escape",
        "s3://bucket/landing",
        "/tmp/" + "l" * 3000,
    ],
)
def test_hostile_landing_uris(workspace, value):
    run = workspace.loader("load", "--taxi", "green", "--month", "2021-01", LANDING_URI=value)
    assert run.code == 2 and "LANDING_URI" in run.stderr, run.stderr
    assert run.stderr.count("\n") == 1 and len(run.stderr) < 400


@pytest.mark.parametrize(
    "value", ["/tmp/lake'; drop table merge_log; --", "/tmp/lake;select 1", "/tmp/my lake"]
)
def test_dbt_refuses_a_hostile_landing_uri(workspace, value):
    run = workspace.dbt("build", LANDING_URI=value)
    assert run.code == 2  # dbt's exit code for an error before any node ran
    assert "may only hold letters, digits" in run.stdout
    assert not workspace.duckdb_path.exists() or workspace.query(
        "select count(*) from duckdb_tables() where table_name = 'green_tripdata'"
    ) == [(0,)]
