from dataclasses import replace

import pytest

from loader.months import Month
from loader.taxis import FHV, FHVHV, GREEN, YELLOW, parse_taxis


def test_parse_taxis():
    assert parse_taxis("green") == [GREEN]
    assert parse_taxis("yellow") == [YELLOW]
    assert parse_taxis("fhvhv") == [FHVHV]
    assert parse_taxis("all") == [GREEN, YELLOW, FHV, FHVHV]


@pytest.mark.parametrize("text", ["purple", "../x", "Green", "green;", "", "green\n", "hv"])
def test_rejects_unknown_taxis(text):
    with pytest.raises(ValueError, match="not one of: green, yellow, fhv, fhvhv, all"):
        parse_taxis(text)


def test_file_names_follow_the_release_layout():
    assert GREEN.source_name(Month(2021, 1)) == "green_tripdata_2021-01.csv.gz"
    assert YELLOW.landed_name(Month(2020, 12)) == "yellow_tripdata_2020-12.csv"


def test_parquet_file_names_follow_the_tlc_layout():
    assert FHVHV.source_name(Month(2022, 3), "parquet") == "fhvhv_tripdata_2022-03.parquet"
    assert GREEN.landed_name(Month(2024, 1), "parquet") == "green_tripdata_2024-01.parquet"


def test_first_published_months_per_format():
    assert YELLOW.first_published("csv") == Month(2009, 1)
    assert YELLOW.first_published("parquet") == Month(2011, 1)  # 2009-2010 carry coordinates
    assert FHVHV.first_published("parquet") == Month(2019, 2)
    assert FHV.first_published("csv") == Month(2015, 1)


def test_keys_alike_across_formats_only_where_the_columns_agree():
    assert GREEN.keys_alike_across_formats and YELLOW.keys_alike_across_formats
    assert FHV.keys_alike_across_formats
    assert not FHVHV.keys_alike_across_formats  # SR_Flag only in CSV, fares only in parquet
    assert YELLOW.keyed_when_set("airport_fee") and not YELLOW.keyed_when_set("fare_amount")


def test_empty_zones_only_where_the_registry_allows_them():
    """The generator writes empty zones at the registry's rates; a rate on a column that may
    not be empty would land files the door refuses."""
    assert FHV.empty_zone_share[0] > 0
    with pytest.raises(ValueError, match="pulocationid may not be empty"):
        replace(GREEN, empty_zone_share=(0.1, 0.0))
