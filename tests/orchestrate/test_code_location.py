"""The Dagster code location over real TLC months, in-process: one partition, a backfill of
three, a month that fails, and the schedule's ticks (the same rule as `sync`)."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import GREEN_ROWS, SHARED_TLC
from tests.orchestrate.conftest import materializations, values
from tests.support.http_server import serve_folder

pytestmark = pytest.mark.e2e

NEW_YORK = ZoneInfo("America/New_York")
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


def manifest_record(workspace, month: str) -> dict:
    path = workspace.landing / "_manifest" / f"green_tripdata_{month}.json"
    return json.loads(path.read_text())


def test_one_month_then_a_backfill_of_three_builds_once(dg, location, workspace) -> None:
    job = location().resolve_job_def("green_land_and_build")

    # One partition: the real green 2021-01 from the loopback mirror, landed and merged.
    one = job.execute_in_process(partition_key="2021-01", instance=dg.DagsterInstance.ephemeral())
    assert one.success
    rows = workspace.query("select count(*) from green_tripdata")[0][0]
    assert rows == GREEN_ROWS["2021-01"] == 76_518
    (landed,) = materializations(one, ["landed", "green_tripdata"])
    record = manifest_record(workspace, "2021-01")
    assert landed.partition == "2021-01"
    assert values(landed)["rows"] == record["rows"] == 76_518
    assert values(landed)["crc32c"] == record["crc32c"]
    assert values(landed)["status"] == "landed"
    assert values(landed)["bytes landed"] == record["bytes_uncompressed"]
    (merged,) = materializations(one, ["green_tripdata"])
    logged = workspace.query(
        "select rows_merged, duplicates_removed from merge_log "
        "where filename = 'green_tripdata_2021-01.csv'"
    )
    assert (values(merged)["rows merged"], values(merged)["duplicates removed"]) == logged[0]
    assert values(merged)["rows merged"] == 76_518 and values(merged)["reconciled"] is True
    checks = {
        event.asset_check_evaluation_data.check_name: event.asset_check_evaluation_data
        for event in one.all_events
        if event.event_type_value == "ASSET_CHECK_EVALUATION"
    }
    assert checks["unique_in_merged_months_green_tripdata_unique_row_id"].passed
    assert checks["tlc_reconciles_green_tripdata_green"].passed
    # What fails are the warnings plain `dbt build` shows too (WARN=3): real green months
    # carry trips without a vendor, rate code or payment type.
    failed = {name: check.severity for name, check in checks.items() if not check.passed}
    assert failed == {
        f"not_null_fct_trips_{column}": dg.AssetCheckSeverity.WARN
        for column in ("vendor_id", "rate_code_id", "payment_type")
    }

    # A backfill of 2021-01..03 in one run: every month landed (January unchanged), one build.
    backfill = job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(),
        tags={RANGE_START: "2021-01", RANGE_END: "2021-03"},
    )
    assert backfill.success
    total = workspace.query("select count(*) from green_tripdata")[0][0]
    assert total == 76_518 + 64_572 + 83_827 == 224_917
    builds = [
        event
        for event in backfill.all_events
        if event.event_type_value == "STEP_START" and event.step_key == "taxi_elt_dbt"
    ]
    assert len(builds) == 1
    invocations = workspace.query(
        "select count(distinct invocation_id) from merge_log where filename in "
        "('green_tripdata_2021-02.csv', 'green_tripdata_2021-03.csv')"
    )
    assert invocations == [(1,)]
    (ranged,) = materializations(backfill, ["landed", "green_tripdata"])[:1]
    assert values(ranged)["rows"] == 224_917
    assert (values(ranged)["landed"], values(ranged)["unchanged"]) == (2, 1)
    (merged,) = materializations(backfill, ["green_tripdata"])
    assert values(merged)["rows merged"] == 64_572 + 83_827
    assert values(merged)["files landed"] == 3 and values(merged)["reconciled"] is True


def test_a_month_that_fails_fails_the_run_with_the_loaders_line_and_the_others_land(
    dg, location, workspace, mirror
) -> None:
    good = SHARED_TLC / "green" / "green_tripdata_2021-01.csv.gz"
    (mirror / "green" / good.name).write_bytes(good.read_bytes())
    broken = SHARED_TLC / "green" / "green_tripdata_2021-02.csv.gz"
    (mirror / "green" / broken.name).write_bytes(broken.read_bytes()[: broken.stat().st_size // 2])
    with serve_folder(mirror) as url:
        # The loader's own line for the broken file, from the CLI (it lands nothing).
        cli = workspace.loader("load", "--taxi", "green", "--month", "2021-02", TLC_SOURCE_URL=url)
        job = location(TLC_SOURCE_URL=url).resolve_job_def("green_land_and_build")
        run = job.execute_in_process(
            instance=dg.DagsterInstance.ephemeral(),
            tags={RANGE_START: "2021-01", RANGE_END: "2021-02"},
            raise_on_error=False,
        )
    assert cli.code == 1 and not run.success
    (line,) = [line for line in cli.stderr.splitlines() if "green 2021-02: " in line]
    reason = line.split("green 2021-02: ", 1)[1]
    (failure,) = [e for e in run.all_events if e.event_type_value == "STEP_FAILURE"]
    assert failure.step_key == "landed__green_tripdata"
    assert failure.event_specific_data.error.message.strip().endswith(f"green 2021-02: {reason}")
    # January landed and is recorded as materialized; February left nothing behind.
    (january,) = materializations(run, ["landed", "green_tripdata"])
    assert january.partition == "2021-01" and values(january)["rows"] == 76_518
    assert workspace.landed_files() == [
        "_manifest/green_tripdata_2021-01.json",
        "green/green_tripdata_2021-01.csv",
    ]
    started = {e.step_key for e in run.all_events if e.event_type_value == "STEP_START"}
    assert "taxi_elt_dbt" not in started  # the build waits for the run's re-execution


def test_the_schedule_asks_for_the_months_sync_would(dg, location, workspace) -> None:
    defs = location()
    # January landed (the loader's own landing), February published on the mirror.
    assert workspace.loader("load", "--taxi", "green", "--month", "2021-01").code == 0
    schedule = defs.resolve_schedule_def("green_monthly")
    assert schedule.cron_schedule == "0 9 1 * *"
    assert schedule.execution_timezone == "America/New_York"

    def tick(at: datetime) -> tuple[list[dg.RunRequest], str | None]:
        with dg.build_schedule_context(scheduled_execution_time=at) as context:
            result = schedule.evaluate_tick(context)
        return list(result.run_requests or []), result.skip_message

    requests, _ = tick(datetime(2021, 2, 1, 9, 0, tzinfo=NEW_YORK))
    assert [(r.tags[RANGE_START], r.tags[RANGE_END]) for r in requests] == [("2021-02", "2021-02")]
    # 04:30 UTC on the 1st is 23:30 on 31 January in New York: February is not due yet.
    requests, skipped = tick(datetime(2021, 2, 1, 4, 30, tzinfo=ZoneInfo("UTC")))
    assert requests == []
    assert (
        skipped == "green: due 2021-01..2021-01, 1 landed, 0 not published yet, 0 probe(s) failed"
    )
