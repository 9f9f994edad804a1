import pytest

from loader.months import Month
from loader.taxis import GREEN, YELLOW, parse_taxis


def test_parse_taxis():
    assert parse_taxis("green") == [GREEN]
    assert parse_taxis("yellow") == [YELLOW]
    assert parse_taxis("all") == [GREEN, YELLOW]


@pytest.mark.parametrize("text", ["purple", "../x", "Green", "green;", "", "green\n", "fhvhv"])
def test_rejects_unknown_taxis(text):
    with pytest.raises(ValueError, match="not one of: green, yellow, all"):
        parse_taxis(text)


def test_file_names_follow_the_release_layout():
    assert GREEN.source_name(Month(2021, 1)) == "green_tripdata_2021-01.csv.gz"
    assert YELLOW.landed_name(Month(2020, 12)) == "yellow_tripdata_2020-12.csv"
