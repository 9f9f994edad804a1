"""The landing's layout: every path and object name the loader and dbt agree on, in one place.

<landing>/<taxi>/<taxi>_tripdata_YYYY-MM.csv     published files (what dbt reads), CSV
<landing>/<taxi>/<taxi>_tripdata_YYYY-MM.parquet   or parquet (TLC_SOURCE_FORMAT=parquet)
<landing>/_manifest/<taxi>_tripdata_YYYY-MM.json one record per published CSV file
<landing>/_manifest/<taxi>_tripdata_YYYY-MM.parquet.json   and per parquet file
<landing>/<taxi>/.<file>.<pid>-<token>.part      files being written (dbt never reads them)
<landing>/_locks/<key>.lock                      loads of one file take turns
<landing>/_runs/<run id>.json                    what each load, backfill and sync did
"""

from __future__ import annotations

import os
import secrets

from loader.months import Month
from loader.taxis import TaxiType

LOCK_DIR = "_locks"
MANIFEST_DIR = "_manifest"
RUNS_DIR = "_runs"


def landed_pattern(taxi: TaxiType, file_format: str) -> str:
    """Every published file of a taxi type and format, as a wildcard both engines read
    (the external tables' locations)."""
    return f"{taxi.name}/{taxi.name}_tripdata_*.{file_format}"


MANIFEST_PATTERN = f"{MANIFEST_DIR}/*.json"


def landed_relpath(taxi: TaxiType, month: Month, file_format: str = "csv") -> str:
    return f"{taxi.name}/{taxi.landed_name(month, file_format)}"


def record_file_relpath(taxi: str, file: str) -> str:
    """The published file a manifest record names (its own taxi and file)."""
    return f"{taxi}/{file}"


def manifest_relpath(taxi: TaxiType, month: Month, file_format: str = "csv") -> str:
    """One flat folder, so a single wildcard (`_manifest/*.json`) reads it on both engines."""
    suffix = ".json" if file_format == "csv" else f".{file_format}.json"
    return f"{MANIFEST_DIR}/{taxi.file_stem(month)}{suffix}"


def is_manifest_relpath(relpath: str) -> bool:
    name = relpath[len(MANIFEST_DIR) + 1 :]
    return relpath.startswith(MANIFEST_DIR + "/") and "/" not in name and name.endswith(".json")


def temp_prefix(relpath: str) -> str:
    """Every temporary of one published file starts so (a crashed run's are found by it).

    Beside the final name, so a local rename never crosses file systems; hidden, so neither
    engine's pattern (`<taxi>_tripdata_*.csv`, `*.json`) ever matches it.
    """
    folder, _, name = relpath.rpartition("/")
    return f"{folder}/.{name}." if folder else f".{name}."


def temp_relpath(relpath: str) -> str:
    return f"{temp_prefix(relpath)}{os.getpid()}-{secrets.token_hex(4)}.part"


def is_temp_relpath(relpath: str) -> bool:
    return relpath.rpartition("/")[2].startswith(".") and relpath.endswith(".part")


def file_lock(taxi: TaxiType, month: Month) -> str:
    return f"{taxi.name}_{month}"


def lock_relpath(key: str) -> str:
    return f"{LOCK_DIR}/{key}.lock"
