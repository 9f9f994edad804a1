"""A reference implementation of unique_row_id in plain Python, from the CSV text.

Independent of the SQL macros: if the macro's canonical text drifts (a column left out, a
decimal rendered as 1.10 instead of 1.1, a timestamp with a zone), keys stop matching.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal

from loader.taxis import GREEN, TaxiType

INTEGER = {"VendorID", "RatecodeID", "PULocationID", "DOLocationID", "passenger_count"}
INTEGER |= {"payment_type", "trip_type"}
TEXT = {"store_and_fwd_flag"}


def canonical(column: str, value: str) -> str:
    if value == "":
        return "_null_"
    if column in INTEGER:
        return str(int(value))
    if column in TEXT:
        return value
    if column.endswith("_datetime"):
        moment = datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
        return str(int(moment.timestamp()) * 1_000_000)
    return str(int((Decimal(value) * 100).to_integral_value(rounding=ROUND_HALF_UP)))


def unique_row_id(taxi: TaxiType, line: str) -> str:
    fields = line.rstrip("\r\n").split(",")
    text = "|".join(
        canonical(column, value) for column, value in zip(taxi.column_names, fields, strict=True)
    )
    return hashlib.md5(text.encode()).hexdigest()


def green_key(line: str) -> str:
    return unique_row_id(GREEN, line)
