"""The code location's parts that need no run: the partitions, the source mapping that draws
the lineage, the schedule's spans, and settings checked before anything is defined."""

from __future__ import annotations

import runpy
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from loader.config import load_settings
from loader.errors import UsageError
from loader.months import Month
from loader.taxis import TAXI_TYPES


def test_partitions_run_from_the_types_first_file_to_the_month_now_in_new_york() -> None:
    from loader.orchestrate.landing import month_partitions

    settings = load_settings({"SYNC_FROM": "2021-01"})
    green = month_partitions(TAXI_TYPES["green"], settings)
    keys = green.get_partition_keys()
    assert keys[0] == str(TAXI_TYPES["green"].first_published("csv"))
    assert green.timezone == "America/New_York"
    now = datetime.now(ZoneInfo("America/New_York"))
    assert keys[-1] == f"{now:%Y-%m}"  # the month running now in New York (end_offset=1)
    parquet = load_settings({"TLC_SOURCE_FORMAT": "parquet"})
    fhvhv = month_partitions(TAXI_TYPES["fhvhv"], parquet)
    assert fhvhv.get_partition_keys()[0] == str(TAXI_TYPES["fhvhv"].first_published("parquet"))


@pytest.mark.parametrize(
    ("props", "taxi"),
    [
        ({"resource_type": "source", "source_name": "tlc", "name": "green_tripdata_ext"}, "green"),
        (
            {"resource_type": "source", "source_name": "tlc", "name": "fhvhv_tripdata_parquet_ext"},
            "fhvhv",
        ),
        ({"resource_type": "source", "source_name": "tlc", "name": "landed_files"}, None),
        ({"resource_type": "source", "source_name": "taxi_elt", "name": "merge_log"}, None),
        ({"resource_type": "model", "name": "green_tripdata"}, None),
    ],
)
def test_only_a_types_landed_file_sources_are_its_landed_file_asset(props, taxi) -> None:
    from loader.orchestrate.dbt_assets import landed_source_taxi

    assert landed_source_taxi(props) == taxi


def test_missing_months_become_one_run_per_consecutive_span() -> None:
    from loader.orchestrate.schedules import spans

    months = [Month.parse(m) for m in ("2021-03", "2021-01", "2021-02", "2021-05", "2022-01")]
    assert [(str(a), str(b)) for a, b in spans(months)] == [
        ("2021-01", "2021-03"),
        ("2021-05", "2021-05"),
        ("2022-01", "2022-01"),
    ]
    assert spans([]) == []


def test_a_setting_that_cannot_be_read_stops_the_code_location_from_loading(
    monkeypatch,
) -> None:
    monkeypatch.setenv("SYNC_FROM", "2021-13")
    with pytest.raises(UsageError, match="SYNC_FROM"):
        runpy.run_module("loader.orchestrate.definitions")
