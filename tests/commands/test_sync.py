from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from loader.due import due_months
from loader.months import Month

NEW_YORK = ZoneInfo("America/New_York")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


def months(items) -> list[str]:
    return [str(month) for month in items]


def test_the_schedule_trigger_loads_its_own_month():
    # 0 9 1 * * in New York: 2021-03-01 09:00 EST = 14:00 UTC.
    assert months(due_months(at("2021-03-01T14:00:00"), NEW_YORK, Month(2021, 1))) == [
        "2021-01",
        "2021-02",
        "2021-03",
    ]


def test_last_evening_of_a_month_when_new_york_and_utc_disagree():
    # 2021-03-01 03:00 UTC is still 2021-02-28 22:00 in New York: March is not due yet.
    now = at("2021-03-01T03:00:00")
    assert months(due_months(now, NEW_YORK, Month(2021, 1))) == ["2021-01", "2021-02"]
    assert months(due_months(now, ZoneInfo("UTC"), Month(2021, 1))) == [
        "2021-01",
        "2021-02",
        "2021-03",
    ]


def test_daylight_saving_time_edge():
    # 2021-11-01 03:30 UTC = 2021-10-31 23:30 EDT (UTC-4): still October in New York.
    assert months(due_months(at("2021-11-01T03:30:00"), NEW_YORK, Month(2021, 10))) == ["2021-10"]
    # 2021-12-01 04:30 UTC = 2021-11-30 23:30 EST (UTC-5): still November.
    assert months(due_months(at("2021-12-01T04:30:00"), NEW_YORK, Month(2021, 11))) == ["2021-11"]


def test_nothing_due_before_the_first_month():
    assert due_months(at("2018-06-01T12:00:00"), NEW_YORK, Month(2019, 1)) == []


def test_now_needs_a_zone():
    with pytest.raises(ValueError, match="timezone"):
        due_months(datetime(2021, 3, 1), NEW_YORK, Month(2021, 1))
