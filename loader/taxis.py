"""The registry: every taxi type declared once, its columns in published order and their types.

Everything else derives from it: the loader's header and value checks, the sample generator,
and, through the generated `dbt_project/models/staging/_tlc__sources.yml` (`python -m loader
sources --write`; a test fails if it is stale), the dbt sources' column types, the staging and
merged models, the reconciliation test and the BigQuery DDL. Adding a taxi type is an entry
here plus two thin model files and their docs (tests/test_registry.py lists them).
"""

from __future__ import annotations

from dataclasses import dataclass

from loader.months import Month
from loader.schema import Column, Decimal, Integer, Text, Timestamp

MONEY = Decimal(18, 2)
MILES = Decimal(18, 2)


def _money(name: str, description: str) -> Column:
    return Column(name, MONEY, description)


# Columns the taxi types share, described once.
VENDOR = Column(
    "VendorID",
    Integer(),
    "The technology provider: 1 Creative Mobile Technologies, 2 VeriFone (Curb); empty on "
    "rows without trip metadata.",
)
STORE_AND_FWD = Column(
    "store_and_fwd_flag",
    Text(1),
    "Y when the trip record was held in the vehicle before it was sent (no connection), N not.",
)
RATE_CODE = Column(
    "RatecodeID",
    Integer(),
    "The final rate code: 1 standard, 2 JFK, 3 Newark, 4 Nassau or Westchester, 5 negotiated, "
    "6 group ride, 99 unknown.",
)
PICKUP_ZONE = Column("PULocationID", Integer(), "The TLC taxi zone of the pickup.", nullable=False)
DROPOFF_ZONE = Column(
    "DOLocationID", Integer(), "The TLC taxi zone of the drop-off.", nullable=False
)
PASSENGERS = Column("passenger_count", Integer(), "Passengers, as entered by the driver.")
DISTANCE = Column("trip_distance", MILES, "Miles on the taximeter.")
PAYMENT = Column(
    "payment_type",
    Integer(),
    "How the passenger paid: 0 flex fare, 1 credit card, 2 cash, 3 no charge, 4 dispute, "
    "5 unknown, 6 voided.",
)
FARE = _money("fare_amount", "The time-and-distance fare on the meter, USD.")
EXTRA = _money("extra", "Rush-hour and overnight surcharges, USD.")
MTA_TAX = _money("mta_tax", "The MTA tax, USD.")
TIP = _money("tip_amount", "Credit-card tips (cash tips are not recorded), USD.")
TOLLS = _money("tolls_amount", "Tolls paid on the trip, USD.")
IMPROVEMENT = _money("improvement_surcharge", "The improvement surcharge, USD.")
TOTAL = _money("total_amount", "The total charged to the passenger (not cash tips), USD.")
CONGESTION = _money("congestion_surcharge", "The New York State congestion surcharge, USD.")
PICKUP_AT = "When the meter was engaged (New York local time, no zone)."
DROPOFF_AT = "When the meter was disengaged (New York local time, no zone)."


@dataclass(frozen=True)
class TaxiType:
    name: str
    description: str
    columns: tuple[Column, ...]
    pickup_column: str
    dropoff_column: str
    line_ending: str = "\n"  # as the release writes it (green's backups use CRLF)

    def __post_init__(self) -> None:
        names = [column.name for column in self.columns]
        if len(set(names)) != len(names) or {self.pickup_column, self.dropoff_column} - set(names):
            raise ValueError(f"taxi type {self.name}: columns are not unique or roles missing")

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    def file_stem(self, month: Month) -> str:
        return f"{self.name}_tripdata_{month}"

    def source_name(self, month: Month) -> str:
        return f"{self.file_stem(month)}.csv.gz"

    def landed_name(self, month: Month) -> str:
        return f"{self.file_stem(month)}.csv"


GREEN = TaxiType(
    name="green",
    description="Green taxis (street hail livery): street hails outside Manhattan's core and "
    "dispatched trips.",
    columns=(
        VENDOR,
        Column("lpep_pickup_datetime", Timestamp(), PICKUP_AT, nullable=False),
        Column("lpep_dropoff_datetime", Timestamp(), DROPOFF_AT, nullable=False),
        STORE_AND_FWD,
        RATE_CODE,
        PICKUP_ZONE,
        DROPOFF_ZONE,
        PASSENGERS,
        DISTANCE,
        FARE,
        EXTRA,
        MTA_TAX,
        TIP,
        TOLLS,
        _money("ehail_fee", "The e-hail fee, USD; empty in every published row."),
        IMPROVEMENT,
        TOTAL,
        PAYMENT,
        Column("trip_type", Integer(), "1 street hail, 2 dispatch."),
        CONGESTION,
    ),
    pickup_column="lpep_pickup_datetime",
    dropoff_column="lpep_dropoff_datetime",
    line_ending="\r\n",
)

YELLOW = TaxiType(
    name="yellow",
    description="Yellow medallion taxis: street hails anywhere in the five boroughs.",
    columns=(
        VENDOR,
        Column("tpep_pickup_datetime", Timestamp(), PICKUP_AT, nullable=False),
        Column("tpep_dropoff_datetime", Timestamp(), DROPOFF_AT, nullable=False),
        PASSENGERS,
        DISTANCE,
        RATE_CODE,
        STORE_AND_FWD,
        PICKUP_ZONE,
        DROPOFF_ZONE,
        PAYMENT,
        FARE,
        EXTRA,
        MTA_TAX,
        TIP,
        TOLLS,
        IMPROVEMENT,
        TOTAL,
        CONGESTION,
    ),
    pickup_column="tpep_pickup_datetime",
    dropoff_column="tpep_dropoff_datetime",
)

TAXI_TYPES: dict[str, TaxiType] = {taxi.name: taxi for taxi in (GREEN, YELLOW)}
ALL = "all"


def parse_taxis(text: str) -> list[TaxiType]:
    """A registered taxi type or 'all'; anything else is refused before it reaches a path."""
    if text == ALL:
        return list(TAXI_TYPES.values())
    taxi = TAXI_TYPES.get(text)
    if taxi is None:
        shown = text if len(text) <= 20 else text[:20] + "..."
        choices = ", ".join([*TAXI_TYPES, ALL])
        raise ValueError(f"taxi {shown!r} is not one of: {choices}")
    return [taxi]
