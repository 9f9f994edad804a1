"""What the report shows, read from the marts: DuckDB read-only, or BigQuery (DBT_TARGET).

Every query is plain SQL both engines run (ordinal group by, sums, a limit), over the marts'
contract: fct_trips, fct_monthly_zone_revenue, dim_zones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from loader.config import Settings
from loader.errors import LoaderError

MARTS = ("fct_trips", "fct_monthly_zone_revenue", "dim_zones")
TOP_ZONES = 10
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class MonthlyRevenue:
    month: str  # YYYY-MM of the pickup
    service_type: str
    trips: int
    total_amount: Decimal


@dataclass(frozen=True)
class ZoneRevenue:
    location_id: int
    borough: str
    zone: str
    trips: int
    total_amount: Decimal


@dataclass(frozen=True)
class ReportData:
    warehouse: str  # where the numbers come from, e.g. "DuckDB /srv/taxi.duckdb"
    trips_by_service: dict[str, int]  # fct_trips rows per service type
    monthly: list[MonthlyRevenue]
    top_zones: list[ZoneRevenue]
    zones: int  # rows of dim_zones


@dataclass(frozen=True)
class Warehouse:
    """A read-only view of the target: its name, its tables and a query runner."""

    name: str
    tables: set[str]
    table: Callable[[str], str]  # a mart's name -> its quoted, qualified relation
    query: Callable[[str], list[tuple]]


def monthly_sql(table: str) -> str:
    return (
        "select pickup_month, service_type, sum(trips) as trips, "
        "sum(total_amount) as revenue "
        f"from {table} group by 1, 2 order by 1, 2"
    )


def top_zones_sql(table: str, limit: int = TOP_ZONES) -> str:
    return (
        "select pickup_location_id, pickup_borough, pickup_zone, sum(trips) as trips, "
        "sum(total_amount) as revenue "
        f"from {table} group by 1, 2, 3 "
        f"order by trips desc, revenue desc, pickup_location_id limit {int(limit)}"
    )


def trips_by_service_sql(table: str) -> str:
    return f"select service_type, count(*) as trips from {table} group by 1 order by 1"


def read_report_data(warehouse: Warehouse) -> ReportData:
    """The page's numbers; a missing mart is one line naming make build."""
    missing = [name for name in MARTS if name not in warehouse.tables]
    if missing:
        raise LoaderError(
            f"the marts are not built yet ({', '.join(missing)} missing in "
            f"{warehouse.name}): run make build"
        )
    revenue = warehouse.table("fct_monthly_zone_revenue")
    return ReportData(
        warehouse=warehouse.name,
        trips_by_service={
            str(service): int(trips)
            for service, trips in warehouse.query(
                trips_by_service_sql(warehouse.table("fct_trips"))
            )
        },
        monthly=[
            MonthlyRevenue(_month(month), str(service), int(trips), _money(amount))
            for month, service, trips, amount in warehouse.query(monthly_sql(revenue))
        ],
        top_zones=[
            ZoneRevenue(int(location), _text(borough), _text(zone), int(trips), _money(amount))
            for location, borough, zone, trips, amount in warehouse.query(top_zones_sql(revenue))
        ],
        zones=int(warehouse.query(f"select count(*) from {warehouse.table('dim_zones')}")[0][0]),
    )


@contextmanager
def open_warehouse(settings: Settings) -> Iterator[Warehouse]:
    """The target dbt builds: BigQuery when DBT_TARGET=bigquery, else the DuckDB file."""
    if settings.dbt_target == "bigquery":
        yield _bigquery(settings)
    else:
        with _duckdb(settings.duckdb_path) as warehouse:
            yield warehouse


@contextmanager
def _duckdb(path: Path) -> Iterator[Warehouse]:
    if not path.exists():
        raise LoaderError(f"nothing built yet: run make build (no warehouse at {path})")
    import duckdb

    from loader.merge_log import connect_read_only

    con = connect_read_only(path)

    def query(sql: str) -> list[tuple]:
        try:
            return con.execute(sql).fetchall()
        except duckdb.Error as error:
            raise LoaderError(
                f"cannot read the marts in {path} ({str(error).splitlines()[0][:120]}); "
                "run make build"
            ) from error

    try:
        tables = {
            name
            for (name,) in query(
                "select table_name from information_schema.tables where table_schema = 'main'"
            )
        }
        yield Warehouse(f"DuckDB {path}", tables, lambda name: f"main.{name}", query)
    finally:
        con.close()


def _bigquery(settings: Settings) -> Warehouse:
    from google.api_core import exceptions as api_exceptions

    from loader.merge_log import bigquery_client

    client, project, dataset = bigquery_client(settings)

    def query(sql: str) -> list[tuple]:
        try:
            return [tuple(row.values()) for row in client.query(sql).result()]
        except api_exceptions.GoogleAPIError as error:
            raise LoaderError(
                f"cannot read the marts in {project}.{dataset} on BigQuery "
                f"({type(error).__name__}); run make build, check the BigQuery roles"
            ) from error

    try:
        tables = {table.table_id for table in client.list_tables(f"{project}.{dataset}")}
    except api_exceptions.NotFound as error:
        raise LoaderError(
            f"nothing built yet: run make build (no dataset {project}.{dataset})"
        ) from error
    except api_exceptions.GoogleAPIError as error:
        raise LoaderError(
            f"cannot read {project}.{dataset} on BigQuery ({type(error).__name__}); "
            "check BQ_DATASET and the credentials' BigQuery roles"
        ) from error
    return Warehouse(
        f"BigQuery {project}.{dataset}",
        tables,
        lambda name: f"`{project}.{dataset}.{name}`",
        query,
    )


def _month(value: object) -> str:
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    return "unknown" if value is None else str(value)[:7]


def _money(value: object) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value)).quantize(_CENT)


def _text(value: object) -> str:
    return "unknown" if value is None else str(value)
