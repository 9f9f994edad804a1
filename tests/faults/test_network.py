"""A network that misbehaves: resets, 5xx and 429, stalls, short bodies, captive portals."""

from __future__ import annotations

import pytest

from tests.faults.conftest import landed_state, only
from tests.support.http_server import Plan, faulty_handler, serve_folder

LOAD = ("load", "--taxi", "green", "--month", "2021-01")
SIZE = 1_403_107  # bytes of green_tripdata_2021-01.csv.gz


def load_through(workspace, mirror, plan: Plan, **env):
    with serve_folder(mirror, faulty_handler(plan)) as url:
        return workspace.loader(*LOAD, "--source-url", url, **env)


def last_line(run) -> str:
    return run.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("name", "plan", "requests"),
    [
        ("connection reset after half the body, once", Plan(("reset", SIZE // 2)), 2),
        ("500, 502, 503 then 200", Plan(("status", 500), ("status", 502), ("status", 503)), 4),
        ("429 with Retry-After", Plan(("status", 429, "1")), 2),
        ("a stall mid-body: read timeout, then retry", Plan(("stall", SIZE // 3, 4)), 2),
        ("Content-Length longer than the body, once", Plan(("short", SIZE // 2)), 2),
    ],
)
def test_transient_faults_end_as_a_clean_run(
    workspace, fault_mirror, clean_state, name, plan, requests
):
    run = load_through(workspace, fault_mirror, plan, TLC_HTTP_TIMEOUT="1")
    assert run.code == 0, f"{name}: {run.stderr}"
    assert "landed     green_tripdata_2021-01.csv" in run.stdout
    assert len(plan.requests) == requests, plan.requests
    assert landed_state(workspace) == only(clean_state, ("2021-01",))


@pytest.mark.parametrize(
    ("name", "plan", "message"),
    [
        ("connection reset, always", Plan(*[("reset", SIZE // 2)] * 10), "broke off"),
        ("Content-Length longer than the body, always", Plan(*[("short", 1000)] * 10), "broke off"),
        ("503 forever", Plan(*[("status", 503)] * 30), "HTTP 503"),
        (
            "a 200 with an HTML login page",
            Plan(("body", b"<!DOCTYPE html><html><body>Sign in</body></html>", "text/html")),
            "HTML",
        ),
    ],
)
def test_persistent_faults_land_nothing_and_say_why(workspace, fault_mirror, name, plan, message):
    run = load_through(workspace, fault_mirror, plan, TLC_HTTP_TIMEOUT="1", TLC_HTTP_TRIES="3")
    assert run.code == 1, name
    line = last_line(run)
    assert line.startswith("error: ") and message in line, run.stderr
    assert "Traceback" not in run.stderr
    assert landed_state(workspace) == {"objects": {}, "manifest": {}}
    assert len(plan.requests) <= 9  # bounded: never tries forever
