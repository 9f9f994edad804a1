"""What the command modules share on the command line: argument types, the option groups
several verbs take, and the settings a parsed command line resolves to.

Each command module declares its own parser (`add_parser`) and what it runs; cli.py only
collects them.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from datetime import datetime

from loader.config import SOURCE_FORMATS, Settings, load_settings
from loader.months import Month
from loader.taxis import TAXI_TYPES, TaxiType, parse_taxis

TAXI_CHOICES = ", ".join([*TAXI_TYPES, "all"])
TAXI_HELP = f"taxi type: {TAXI_CHOICES} (default all)"


class Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {message} (see --help)\n")


Subcommands = argparse._SubParsersAction  # what add_subparsers returns


@dataclass(frozen=True)
class Shared:
    """Option groups several verbs take (argparse parents)."""

    common: argparse.ArgumentParser  # --debug
    location: argparse.ArgumentParser  # --source-url, --landing-uri, --source-format
    as_json: argparse.ArgumentParser  # --json


def shared_options() -> Shared:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="log details and tracebacks")
    location = argparse.ArgumentParser(add_help=False)
    location.add_argument(
        "--source-url", help="base URL or folder of the release layout (default: $TLC_SOURCE_URL)"
    )
    location.add_argument(
        "--landing-uri", help="landing folder or gs://bucket/prefix (default: $LANDING_URI)"
    )
    location.add_argument(
        "--source-format",
        choices=SOURCE_FORMATS,
        help="csv (the CSV backups) or parquet (the TLC's own files) (default: "
        "$TLC_SOURCE_FORMAT, else csv)",
    )
    as_json = argparse.ArgumentParser(add_help=False)
    as_json.add_argument(
        "--json", action="store_true", help="print a machine-readable summary on stdout"
    )
    return Shared(common=common, location=location, as_json=as_json)


def settings_from(args: argparse.Namespace) -> Settings:
    """The settings with the command line's flags first (then environment, .env, defaults)."""
    return load_settings(
        source_url=getattr(args, "source_url", None),
        landing_uri=getattr(args, "landing_uri", None),
        source_format=getattr(args, "source_format", None),
    )


def month(text: str) -> Month:
    if not text:
        raise argparse.ArgumentTypeError(
            "no month given: pass YYYY-MM (with make: MONTH=YYYY-MM, or FROM= and TO=)"
        )
    try:
        value = Month.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error
    if value > Month.latest_begun():
        raise argparse.ArgumentTypeError(
            f"month {value} has not begun yet: the TLC publishes a month after it ends"
        )
    return value


def taxis(text: str) -> list[TaxiType]:
    if not text:
        raise argparse.ArgumentTypeError(f"no taxi type given: pass one of {TAXI_CHOICES}")
    try:
        return parse_taxis(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a positive whole number")
    return int(text)


_SELECTOR = re.compile(r"[A-Za-z0-9_.:+*@/,=-]{1,200}")


def selector(text: str) -> str:
    """A dbt node selector (yellow_tripdata+, path:..., tag:...); nothing a shell would read."""
    if not _SELECTOR.fullmatch(text) or text.startswith("-"):
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not a dbt selector (letters, digits and _ . : + * @ / , = -)"
        )
    return text


def instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not an ISO 8601 time") from error
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} needs a zone, e.g. Z or -05:00")
    return value
