"""Typed settings from flags, the environment and `.env`, in that order of precedence.

The names are the interface shared with dbt (`env_var(...)` in the project reads the same ones),
so the loader and the models always agree on where files are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv

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
DEFAULT_SYNC_FROM = "2019-01"

# Local paths and gs:// URIs end up inside SQL string literals (read_csv('...')) and object
# names, so only plain characters pass: no quotes, semicolons, whitespace or control characters.
_SAFE_PATH = re.compile(r"[A-Za-z0-9_./+-]{1,1024}")
_GCS_URI = re.compile(r"gs://([a-z0-9][a-z0-9._-]{1,61}[a-z0-9])(/[A-Za-z0-9_./+-]*)?")
_URL = re.compile(r"(https?|file)://[^\s'\"\\;<>`]{1,2000}")


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


def read_dotenv(project_root: Path = PROJECT_ROOT) -> None:
    """Load `.env` from the project root; variables already in the environment win."""
    load_dotenv(project_root / ".env", override=False)


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
        duckdb_path=_local_path(
            env.get("DUCKDB_PATH") or DEFAULT_DUCKDB_PATH, project_root, "DUCKDB_PATH"
        ),
        http_timeout=_positive_float(env, "TLC_HTTP_TIMEOUT", 60.0),
        http_tries=int(_positive_float(env, "TLC_HTTP_TRIES", 5)),
        http_backoff=_positive_float(env, "TLC_HTTP_BACKOFF", 1.0, allow_zero=True),
        schedule_tz=_zone(env.get("SCHEDULE_TZ") or DEFAULT_SCHEDULE_TZ),
        sync_from=_month(env.get("SYNC_FROM") or DEFAULT_SYNC_FROM),
    )


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


def _positive_float(env: Mapping[str, str], name: str, default: float, *, allow_zero=False):
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as error:
        raise UsageError(f"{name}={_shown(raw)} is not a number") from error
    if value < 0 or (value == 0 and not allow_zero):
        raise UsageError(f"{name}={_shown(raw)} must be greater than 0")
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
