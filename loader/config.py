"""Typed settings from flags, the environment and `.env`, in that order of precedence.

The names are the interface shared with dbt (`env_var(...)` in the project reads the same ones),
so the loader and the models always agree on where files are.
"""

from __future__ import annotations

import io
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv
from dotenv.parser import parse_stream

from loader.errors import UsageError
from loader.months import Month

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULT_SOURCE_URL = "https://github.com/DataTalksClub/nyc-tlc-data/releases/download"
# Where each format is published: the CSV backups of the trip records, and the TLC's own
# parquet files (from 2009 to the newest month).
DEFAULT_SOURCE_URLS = {
    "csv": DEFAULT_SOURCE_URL,
    "parquet": "https://d37ci6vzurychx.cloudfront.net/trip-data",
}
SOURCE_FORMATS = tuple(DEFAULT_SOURCE_URLS)
DEFAULT_LANDING_URI = "lake"
DEFAULT_DUCKDB_PATH = "taxi.duckdb"
DEFAULT_SCHEDULE_TZ = "America/New_York"
DBT_TARGETS = ("duckdb", "bigquery")  # the outputs of profiles.example.yml
DEFAULT_SYNC_FROM = "2019-01"

# Local paths and gs:// URIs end up inside SQL string literals (read_csv('...')) and object
# names, so only plain characters pass: no quotes, semicolons, whitespace or control characters.
_SAFE_PATH = re.compile(r"[A-Za-z0-9_./+-]{1,1024}")
_GCS_URI = re.compile(r"gs://([a-z0-9][a-z0-9._-]{1,61}[a-z0-9])(/[A-Za-z0-9_./+-]*)?")
_ENV_NAME = re.compile(r"(?:export\s+)?([A-Za-z_][A-Za-z0-9_]{0,63})\s*=")
_URL = re.compile(r"(https?|file)://[^\s'\"\\;<>`]{1,2000}")
# BigQuery names go into SQL: only what Google allows in them.
_PROJECT = re.compile(r"([a-z][a-z0-9.-]{0,62}:)?[a-z][a-z0-9-]{4,28}[a-z0-9]")
_DATASET = re.compile(r"[A-Za-z0-9_]{1,1024}")
_LOCATION = re.compile(r"[A-Za-z0-9-]{1,40}")
_ENDPOINT = re.compile(r"https?://[A-Za-z0-9.:\[\]-]{1,255}/?")


@dataclass(frozen=True)
class BigQuerySettings:
    """The warehouse when DBT_TARGET=bigquery (profiles.example.yml reads the same variables)."""

    project: str = ""  # GCP_PROJECT_ID; '' = the credentials' own project
    dataset: str = "taxi_elt"  # BQ_DATASET
    location: str = "US"  # BQ_LOCATION (the profile's default too)
    emulator_host: str | None = None  # BIGQUERY_EMULATOR_HOST: a local emulator, no credentials


@dataclass(frozen=True)
class Settings:
    source_url: str
    landing_uri: str
    duckdb_path: Path
    http_timeout: float
    http_tries: int
    http_backoff: float
    schedule_tz: ZoneInfo
    sync_from: Month
    source_format: str = "csv"  # csv (the CSV backups) or parquet (the TLC's own files)
    dbt_target: str = "duckdb"  # DBT_TARGET: the profile's output dbt builds and status reads
    bigquery: BigQuerySettings = BigQuerySettings()


def read_dotenv(project_root: Path = PROJECT_ROOT) -> None:
    """Load `.env` from the project root; variables already in the environment win.

    A line that does not parse stops the run (python-dotenv would skip it with a warning and
    the run would go on with a default: data landed where it was not meant to go)."""
    path = project_root / ".env"
    if not path.exists():
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "it is not UTF-8 text"
        raise UsageError(f"cannot read {path} ({reason}); fix or remove it") from error
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            original = binding.original.string
            line = binding.original.line + len(original) - len(original.lstrip("\n"))
            # The name only, never the value: the line may hold a secret.
            name = _ENV_NAME.match(original.strip())
            what = f"the value of {name.group(1)}" if name else "not NAME=value"
            raise UsageError(
                f"{path} line {line} does not parse ({what}): write NAME=value, quote a value "
                "with spaces, or remove the line"
            )
    load_dotenv(path, override=False)


def load_settings(
    environ: Mapping[str, str] | None = None,
    *,
    source_url: str | None = None,
    landing_uri: str | None = None,
    source_format: str | None = None,
    project_root: Path = PROJECT_ROOT,
) -> Settings:
    env = os.environ if environ is None else environ
    file_format = validate_source_format(source_format or env.get("TLC_SOURCE_FORMAT") or "csv")
    return Settings(
        source_format=file_format,
        source_url=validate_source_url(
            source_url or env.get("TLC_SOURCE_URL") or DEFAULT_SOURCE_URLS[file_format],
            project_root,
        ),
        landing_uri=validate_landing_uri(
            landing_uri or env.get("LANDING_URI") or DEFAULT_LANDING_URI, project_root
        ),
        duckdb_path=validate_duckdb_path(
            _local_path(env.get("DUCKDB_PATH") or DEFAULT_DUCKDB_PATH, project_root, "DUCKDB_PATH")
        ),
        http_timeout=_number(env, "TLC_HTTP_TIMEOUT", 60.0, most=3600),
        http_tries=int(_number(env, "TLC_HTTP_TRIES", 5, most=100, whole=True)),
        http_backoff=_number(env, "TLC_HTTP_BACKOFF", 1.0, most=300, allow_zero=True),
        schedule_tz=_zone(env.get("SCHEDULE_TZ") or DEFAULT_SCHEDULE_TZ),
        sync_from=_month(env.get("SYNC_FROM") or DEFAULT_SYNC_FROM),
        dbt_target=validate_dbt_target(env.get("DBT_TARGET") or "duckdb"),
        bigquery=_bigquery(env),
    )


def is_bigquery_project(name: str) -> bool:
    """A project id as Google allows it (it goes into SQL): GCP_PROJECT_ID, or the one the
    credentials name."""
    return _PROJECT.fullmatch(name) is not None


def _bigquery(env: Mapping[str, str]) -> BigQuerySettings:
    """Checked whatever the target: a name that would reach SQL is refused before anything."""
    checks = {
        "GCP_PROJECT_ID": _PROJECT,
        "BQ_DATASET": _DATASET,
        "BQ_LOCATION": _LOCATION,
        "BIGQUERY_EMULATOR_HOST": _ENDPOINT,
    }
    values = {name: env.get(name) or "" for name in checks}
    for name, pattern in checks.items():
        if values[name] and not pattern.fullmatch(values[name]):
            raise UsageError(f"{name} {_shown(values[name])} is not a valid value")
    return BigQuerySettings(
        project=values["GCP_PROJECT_ID"],
        dataset=values["BQ_DATASET"] or "taxi_elt",
        location=values["BQ_LOCATION"] or "US",
        emulator_host=values["BIGQUERY_EMULATOR_HOST"] or None,
    )


def validate_dbt_target(value: str) -> str:
    """Exactly a target of the profile: a misspelt one must not quietly read DuckDB."""
    if value not in DBT_TARGETS:
        raise UsageError(f"DBT_TARGET {_shown(value)} is not one of: {', '.join(DBT_TARGETS)}")
    return value


# Every DuckDB database file carries this at byte 8 (its storage header).
_DUCKDB_MAGIC = b"DUCK"


def validate_duckdb_path(path: Path) -> Path:
    """A DuckDB file, or a file not there yet; never a folder or a file of another kind (DuckDB
    would refuse a CSV only when dbt opens it, after the landing ran)."""
    if path.is_dir():
        raise UsageError(
            f"DUCKDB_PATH {path} is a folder: name a file in it, e.g. {path}/taxi.duckdb"
        )
    if path.exists():
        try:
            with path.open("rb") as handle:
                head = handle.read(12)
        except OSError as error:
            raise UsageError(f"cannot read DUCKDB_PATH {path} ({error.strerror})") from error
        if head[8:12] != _DUCKDB_MAGIC:  # an empty file too: DuckDB refuses it
            raise UsageError(
                f"DUCKDB_PATH {path} is not a DuckDB database (a file of another kind): "
                "name a new file or an existing warehouse"
            )
        return path
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"DUCKDB_PATH {path}: {parent} is a file, not a folder")
            break
    return path


def validate_source_format(value: str) -> str:
    if value not in SOURCE_FORMATS:
        raise UsageError(
            f"TLC_SOURCE_FORMAT {_shown(value)} is not one of: {', '.join(SOURCE_FORMATS)}"
        )
    return value


def validate_source_url(value: str, project_root: Path = PROJECT_ROOT) -> str:
    """An http(s):// or file:// URL, or a local folder (made absolute), without a trailing /."""
    if "://" in value:
        if not _URL.fullmatch(value):
            raise UsageError(
                f"TLC_SOURCE_URL {_shown(value)} is not an http(s):// or file:// URL "
                "without spaces or quotes"
            )
        return value.rstrip("/")
    return str(_local_path(value, project_root, "TLC_SOURCE_URL"))


def validate_landing_uri(value: str, project_root: Path = PROJECT_ROOT) -> str:
    """gs://bucket[/prefix] or a local folder (made absolute against the project root)."""
    if value.startswith("gs://"):
        match = _GCS_URI.fullmatch(value.rstrip("/"))
        if match is None or ".." in value.split("/"):
            raise UsageError(
                f"LANDING_URI {_shown(value)} is not gs://<bucket>[/<prefix>] with a valid "
                "bucket name and a prefix of letters, digits and ._-/"
            )
        return value.rstrip("/")
    if "://" in value:
        raise UsageError(
            f"LANDING_URI {_shown(value)} must be a local folder or gs://<bucket>[/<prefix>]"
        )
    return str(_local_path(value, project_root, "LANDING_URI"))


def _local_path(value: str, project_root: Path, name: str) -> Path:
    if value.startswith("file://"):
        value = value[len("file://") :]
    if not _SAFE_PATH.fullmatch(value):
        raise UsageError(
            f"{name} {_shown(value)} may only hold letters, digits and _ . / + - "
            "(no spaces, quotes or semicolons; at most 1024 characters)"
        )
    path = Path(value)
    return path if path.is_absolute() else project_root / path


def _number(
    env: Mapping[str, str],
    name: str,
    default: float,
    *,
    most: float,
    allow_zero: bool = False,
    whole: bool = False,
) -> float:
    """A finite number in (0, most] ([0, most] with allow_zero), whole if asked."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    kind = "a whole number" if whole else "a number"
    try:
        value = float(raw)
    except ValueError as error:
        raise UsageError(f"{name}={_shown(raw)} is not {kind}") from error
    if not math.isfinite(value) or (whole and not value.is_integer()):
        raise UsageError(f"{name}={_shown(raw)} is not {kind}")
    least = "0" if allow_zero else "greater than 0"
    if value < 0 or (value == 0 and not allow_zero) or value > most:
        raise UsageError(f"{name}={_shown(raw)} must be {least} and at most {most:g}")
    return value


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UsageError(
            f"SCHEDULE_TZ={_shown(name)} is not a time zone name such as America/New_York"
        ) from error


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        raise UsageError(f"SYNC_FROM: {error}") from error


def _shown(value: str) -> str:
    return repr(value if len(value) <= 60 else value[:60] + "...")
