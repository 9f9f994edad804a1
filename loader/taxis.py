"""Taxi types and the headers their CSV backups carry."""

from __future__ import annotations

from dataclasses import dataclass

from loader.months import Month


@dataclass(frozen=True)
class TaxiType:
    name: str
    columns: tuple[str, ...]
    pickup_column: str
    dropoff_column: str

    def file_stem(self, month: Month) -> str:
        return f"{self.name}_tripdata_{month}"

    def source_name(self, month: Month) -> str:
        return f"{self.file_stem(month)}.csv.gz"

    def landed_name(self, month: Month) -> str:
        return f"{self.file_stem(month)}.csv"


GREEN = TaxiType(
    name="green",
    columns=(
        "VendorID",
        "lpep_pickup_datetime",
        "lpep_dropoff_datetime",
        "store_and_fwd_flag",
        "RatecodeID",
        "PULocationID",
        "DOLocationID",
        "passenger_count",
        "trip_distance",
        "fare_amount",
        "extra",
        "mta_tax",
        "tip_amount",
        "tolls_amount",
        "ehail_fee",
        "improvement_surcharge",
        "total_amount",
        "payment_type",
        "trip_type",
        "congestion_surcharge",
    ),
    pickup_column="lpep_pickup_datetime",
    dropoff_column="lpep_dropoff_datetime",
)

YELLOW = TaxiType(
    name="yellow",
    columns=(
        "VendorID",
        "tpep_pickup_datetime",
        "tpep_dropoff_datetime",
        "passenger_count",
        "trip_distance",
        "RatecodeID",
        "store_and_fwd_flag",
        "PULocationID",
        "DOLocationID",
        "payment_type",
        "fare_amount",
        "extra",
        "mta_tax",
        "tip_amount",
        "tolls_amount",
        "improvement_surcharge",
        "total_amount",
        "congestion_surcharge",
    ),
    pickup_column="tpep_pickup_datetime",
    dropoff_column="tpep_dropoff_datetime",
)

TAXI_TYPES: dict[str, TaxiType] = {taxi.name: taxi for taxi in (GREEN, YELLOW)}
ALL = "all"


def parse_taxis(text: str) -> list[TaxiType]:
    """'green', 'yellow' or 'all'; anything else is refused before it reaches a path."""
    if text == ALL:
        return list(TAXI_TYPES.values())
    taxi = TAXI_TYPES.get(text)
    if taxi is None:
        shown = text if len(text) <= 20 else text[:20] + "..."
        choices = ", ".join([*TAXI_TYPES, ALL])
        raise ValueError(f"taxi {shown!r} is not one of: {choices}")
    return [taxi]
