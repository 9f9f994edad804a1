"""The registry: every taxi type declared once, its columns in published order and their types.

Everything else derives from it: the loader's header and value checks, the sample generator,
and, through the generated `dbt_project/models/staging/_tlc__sources.yml` (`python -m loader
sources --write`; a test fails if it is stale), the dbt sources' column types, the staging and
merged models, the reconciliation test and the BigQuery DDL. Adding a taxi type is an entry
here and that command, which renders its models and YAML too (tests/test_registry.py counts
the files a type touches).
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


# Airport_fee from 2023: header names match case-insensitively.
AIRPORT_FEE = _money("airport_fee", "The fee for pickups at LaGuardia and JFK airports, USD.")
CBD_FEE = _money(
    "cbd_congestion_fee", "The Manhattan Central Business District congestion fee, USD (2025 on)."
)
CBD_FEE_FROM = Month(2025, 1)
FIRST_MONTH = Month(2009, 1)  # the parquet files carry cbd_congestion_fee from this month


@dataclass(frozen=True)
class TaxiType:
    """`columns` are the CSV backups' layout, in published order; `parquet_only` the columns
    only the TLC's parquet files carry, and `csv_only` the names of CSV columns the parquet
    files lack. The merged table holds `all_columns`; a column one format lacks is NULL in rows
    from that format and enters the key only when set, so the same trip has the same key
    from either format (where the formats carry the same columns: `keys_alike_across_formats`).
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    pickup_column: str
    dropoff_column: str
    line_ending: str = "\n"  # as the release writes it (green's backups use CRLF)
    parquet_only: tuple[Column, ...] = ()
    csv_only: frozenset[str] = frozenset()
    first_month: Month = FIRST_MONTH  # the first month the TLC published for the type
    parquet_first_month: Month | None = None  # the first parquet month we can read, if later
    parquet_first_reason: str = ""
    colour: str = "#4c72b0"  # the report's plots draw the type in it
    # Shares of trips without a pickup / drop-off zone in real files, where the columns may be
    # empty: the sample generator writes them so, and the end-to-end tests see them.
    empty_zone_share: tuple[float, float] = (0.0, 0.0)

    def __post_init__(self) -> None:
        names = [column.name for column in self.all_columns]
        if len(set(names)) != len(names) or {self.pickup_column, self.dropoff_column} - set(names):
            raise ValueError(f"taxi type {self.name}: columns are not unique or roles missing")
        if self.csv_only - set(self.column_names):
            raise ValueError(f"taxi type {self.name}: csv_only names unknown columns")
        may_be_empty = {column.name.casefold() for column in self.columns if column.nullable}
        for share, zone in zip(
            self.empty_zone_share, ("pulocationid", "dolocationid"), strict=True
        ):
            if share and zone not in may_be_empty:
                raise ValueError(
                    f"taxi type {self.name}: {zone} may not be empty (empty_zone_share)"
                )

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return self.columns + self.parquet_only

    @property
    def parquet_columns(self) -> tuple[Column, ...]:
        return tuple(column for column in self.all_columns if column.name not in self.csv_only)

    @property
    def keys_alike_across_formats(self) -> bool:
        """The same trip gets the same key from a CSV backup and from a parquet file only if
        neither format lacks a column the other carries set."""
        return not self.csv_only and not self.parquet_only_always_set

    @property
    def parquet_only_always_set(self) -> bool:
        return any(not column.nullable for column in self.parquet_only)

    def keyed_when_set(self, column: str) -> bool:
        """A column one format lacks: in the key only when not NULL."""
        return column in self.csv_only or any(c.name == column for c in self.parquet_only)

    def first_published(self, file_format: str) -> Month:
        if file_format == "parquet" and self.parquet_first_month is not None:
            return max(self.first_month, self.parquet_first_month)
        return self.first_month

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        return next(column for column in self.all_columns if column.name == name)

    def file_stem(self, month: Month) -> str:
        return f"{self.name}_tripdata_{month}"

    def source_name(self, month: Month, file_format: str = "csv") -> str:
        suffix = ".csv.gz" if file_format == "csv" else ".parquet"
        return f"{self.file_stem(month)}{suffix}"

    def landed_name(self, month: Month, file_format: str = "csv") -> str:
        return f"{self.file_stem(month)}.{file_format}"


GREEN = TaxiType(
    name="green",
    colour="#2e8b57",
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
    parquet_only=(CBD_FEE,),
    first_month=Month(2014, 1),
)

YELLOW = TaxiType(
    name="yellow",
    colour="#d4a017",
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
    parquet_only=(AIRPORT_FEE, CBD_FEE),
    parquet_first_month=Month(2011, 1),
    parquet_first_reason="the 2009 and 2010 yellow parquet files locate trips by longitude and "
    "latitude, not by taxi zone, and are not supported",
)

BASE = Text(10)
DISPATCHING_BASE = Column(
    "dispatching_base_num", BASE, "The TLC license of the base that dispatched the trip."
)
PICKUP = Column("pickup_datetime", Timestamp(), "When the trip started.", nullable=False)

FHV = TaxiType(
    name="fhv",
    empty_zone_share=(0.2, 0.12),  # 2019-2021: about a fifth of pickups
    description="For-hire vehicles (community cars, black cars, luxury limousines) other than "
    "the high-volume services.",
    columns=(
        DISPATCHING_BASE,
        PICKUP,
        Column(
            "dropOff_datetime", Timestamp(), "When the trip ended.", aliases=("dropoff_datetime",)
        ),
        Column("PUlocationID", Integer(), "The TLC taxi zone of the pickup; empty if unknown."),
        Column("DOlocationID", Integer(), "The TLC taxi zone of the drop-off; empty if unknown."),
        Column("SR_Flag", Integer(), "1 for a shared ride (pooled), empty otherwise."),
        Column(
            "Affiliated_base_number", BASE, "The license of the base the vehicle is affiliated to."
        ),
    ),
    pickup_column="pickup_datetime",
    dropoff_column="dropOff_datetime",
    first_month=Month(2015, 1),
    colour="#8172b2",
)


def _flag(name: str, what: str) -> Column:
    return Column(name, Text(1), f"Y if {what}, N if not.")


FHVHV = TaxiType(
    name="fhvhv",
    empty_zone_share=(0.002, 0.004),
    description="High-volume for-hire services (Uber, Lyft, Via, Juno): over 10,000 trips a "
    "day each.",
    columns=(
        Column(
            "hvfhs_license_num",
            Text(6),
            "The service's TLC license: HV0002 Juno, HV0003 Uber, HV0004 Via, HV0005 Lyft.",
        ),
        DISPATCHING_BASE,
        PICKUP,
        Column("dropoff_datetime", Timestamp(), "When the trip ended."),
        Column("PULocationID", Integer(), "The TLC taxi zone of the pickup."),
        Column("DOLocationID", Integer(), "The TLC taxi zone of the drop-off."),
        Column("SR_Flag", Integer(), "1 if the passenger asked for a shared ride (CSV only)."),
    ),
    pickup_column="pickup_datetime",
    dropoff_column="dropoff_datetime",
    csv_only=frozenset({"SR_Flag"}),
    parquet_only=(
        Column("originating_base_num", BASE, "The base that received the original request."),
        Column("request_datetime", Timestamp(), "When the passenger asked for the ride."),
        Column("on_scene_datetime", Timestamp(), "When the driver arrived at the pickup."),
        Column("trip_miles", MILES, "Miles driven with the passenger."),
        Column("trip_time", Integer(), "Seconds driven with the passenger."),
        _money("base_passenger_fare", "The fare before tolls, tips, taxes and fees, USD."),
        _money("tolls", "Tolls paid on the trip, USD."),
        _money("bcf", "The Black Car Fund charge, USD."),
        _money("sales_tax", "New York State sales tax, USD."),
        CONGESTION,
        AIRPORT_FEE,
        _money("tips", "Tips, USD."),
        _money("driver_pay", "What the driver was paid, before tolls and tips, USD."),
        _flag("shared_request_flag", "the passenger agreed to a shared ride"),
        _flag("shared_match_flag", "the passenger shared the vehicle with another booking"),
        _flag("access_a_ride_flag", "the trip was administered for the MTA's Access-A-Ride"),
        _flag("wav_request_flag", "the passenger asked for a wheelchair-accessible vehicle"),
        _flag("wav_match_flag", "the trip was in a wheelchair-accessible vehicle"),
        CBD_FEE,
    ),
    first_month=Month(2019, 2),
    colour="#c44e52",
)

TAXI_TYPES: dict[str, TaxiType] = {taxi.name: taxi for taxi in (GREEN, YELLOW, FHV, FHVHV)}
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
