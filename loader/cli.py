"""taxi-elt: land the monthly NYC TLC trip files and merge them with dbt.

Exit codes: 0 success, 1 a load, build or check failed, 2 bad arguments or configuration,
130 interrupted (143 on SIGTERM). Errors are one line on stderr; --debug adds the traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import signal
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from loader import __version__
from loader.config import SOURCE_FORMATS, Settings, load_settings, read_dotenv
from loader.errors import LoaderError
from loader.months import Month
from loader.taxis import TAXI_TYPES, TaxiType, parse_taxis

log = logging.getLogger("loader")
TAXI_CHOICES = ", ".join([*TAXI_TYPES, "all"])


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {message} (see --help)\n")


def _month(text: str) -> Month:
    if not text:
        raise argparse.ArgumentTypeError(
            "no month given: pass YYYY-MM (with make: MONTH=YYYY-MM, or FROM= and TO=)"
        )
    try:
        month = Month.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error
    if month > Month.latest_begun():
        raise argparse.ArgumentTypeError(
            f"month {month} has not begun yet: the TLC publishes a month after it ends"
        )
    return month


def _taxis(text: str) -> list[TaxiType]:
    if not text:
        raise argparse.ArgumentTypeError(f"no taxi type given: pass one of {TAXI_CHOICES}")
    try:
        return parse_taxis(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a positive whole number")
    return int(text)


_SELECTOR = re.compile(r"[A-Za-z0-9_.:+*@/,=-]{1,200}")


def _selector(text: str) -> str:
    """A dbt node selector (yellow_tripdata+, path:..., tag:...); nothing a shell would read."""
    if not _SELECTOR.fullmatch(text) or text.startswith("-"):
        raise argparse.ArgumentTypeError(
            f"{text[:40]!r} is not a dbt selector (letters, digits and _ . : + * @ / , = -)"
        )
    return text


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not an ISO 8601 time") from error
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} needs a zone, e.g. Z or -05:00")
    return value


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
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
    taxi_help = f"taxi type: {TAXI_CHOICES} (default all)"

    parser = _Parser(prog=prog, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--version", action="version", version=f"taxi-elt {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, parser_class=_Parser, metavar="command"
    )

    load = commands.add_parser(
        "load",
        parents=[common, location, as_json],
        help="land one month of one or all taxi types",
        description="Download, check and land <taxi>_tripdata_YYYY-MM; a month already landed "
        "with identical content is skipped.",
    )
    load.add_argument("--taxi", type=_taxis, default=_taxis("all"), help=taxi_help)
    load.add_argument("--month", type=_month, required=True, help="the month, YYYY-MM")
    load.add_argument(
        "--force", action="store_true", help="download even if the source looks unchanged"
    )

    backfill = commands.add_parser(
        "backfill",
        parents=[common, location, as_json],
        help="land a range of months, then one dbt build",
        description="Land every month from --from to --to, --jobs at once, carrying on past "
        "failures (named at the end), then run one dbt build for all that landed.",
    )
    backfill.add_argument("--from", dest="first", type=_month, required=True, help="YYYY-MM")
    backfill.add_argument("--to", dest="last", type=_month, required=True, help="YYYY-MM")
    backfill.add_argument("--taxi", type=_taxis, default=_taxis("all"), help=taxi_help)
    backfill.add_argument("--jobs", type=_positive_int, default=4, help="loads at once (4)")
    backfill.add_argument("--no-build", action="store_true", help="land only; no dbt build")
    backfill.add_argument("--force", action="store_true", help="download even if unchanged")
    backfill.add_argument(
        "--select",
        nargs="+",
        type=_selector,
        default=[],
        metavar="SELECTOR",
        help="build only these dbt nodes and their tests, e.g. yellow_tripdata (dbt --select)",
    )

    sync = commands.add_parser(
        "sync",
        parents=[common, location, as_json],
        help="scheduled catch-up: load every due month not landed yet, then build",
        description="Load every month from SYNC_FROM to the current month (SCHEDULE_TZ) that is "
        "published and not landed yet, then build. Run it from cron or a systemd timer.",
    )
    sync.add_argument("--taxi", type=_taxis, default=_taxis("all"), help=taxi_help)
    sync.add_argument("--jobs", type=_positive_int, default=4, help="loads at once (4)")
    sync.add_argument("--no-build", action="store_true", help="land only; no dbt build")
    sync.add_argument(
        "--now", type=_instant, default=None, help="pretend it is this time (ISO 8601 with zone)"
    )

    purge = commands.add_parser(
        "purge",
        parents=[common, location],
        help="remove a landed month and its manifest record",
        description="Remove one taxi type's landed month and its manifest record, so it can be "
        "loaded again; `dbt build --full-refresh --vars 'allow_missing_files: true'` then rebuilds "
        "the table without it.",
    )
    purge.add_argument("--taxi", type=_taxis, required=True, help=f"taxi type: {TAXI_CHOICES}")
    purge.add_argument("--month", type=_month, required=True, help="the month, YYYY-MM")
    purge.add_argument(
        "--format",
        dest="formats",
        choices=[*SOURCE_FORMATS, "all"],
        default="all",
        help="which landed format of the month to remove: csv, parquet or all (default all)",
    )
    purge.add_argument("--yes", action="store_true", help="confirm the removal")

    sample = commands.add_parser(
        "sample",
        parents=[common],
        help="write a synthetic mirror in the release layout",
        description="Write seeded, realistic synthetic months (gzipped CSV in the release "
        "layout), e.g. for the benchmark or a demo.",
    )
    sample.add_argument("--out", type=Path, required=True, help="folder of the mirror")
    sample.add_argument("--taxi", type=_taxis, default=_taxis("all"), help=taxi_help)
    sample.add_argument(
        "--month", type=_month, action="append", required=True, help="YYYY-MM; repeatable"
    )
    sample.add_argument("--rows", type=_positive_int, default=20_000, help="rows per file")
    sample.add_argument("--seed", type=int, default=2021, help="the same seed, the same bytes")
    sample.add_argument(
        "--format",
        choices=SOURCE_FORMATS,
        default="csv",
        help="csv.gz in the CSV backups' layout, or parquet in the TLC's schema and layout",
    )

    status = commands.add_parser(
        "status",
        parents=[common, location],
        help="landed files, merged rows, reconciliation",
        description="Per landed file: size, rows landed, rows merged, duplicates removed, and "
        "whether it reconciles. Exits 1 when a file is not merged, unreadable or off.",
    )
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.add_argument(
        "--verify",
        action="store_true",
        help="recompute each local landed file's CRC32C (GCS objects are always checked)",
    )

    report = commands.add_parser(
        "report",
        parents=[common, location],
        help="write one self-contained HTML page of what the warehouse holds",
        description="Per landed file: rows landed, merged, duplicates, reconciliation; trips "
        "and revenue per month and taxi type; the top pickup zones; from the marts of the "
        "target (DBT_TARGET). Needs make build first.",
    )
    report.add_argument(
        "--output", type=Path, default=None, help="the HTML file (report/taxi-elt.html)"
    )

    commands.add_parser(
        "build",
        parents=[common, location],
        help="dbt build with the loader's settings; extra arguments go to dbt",
        description="dbt build with the loader's settings (flags, the environment, .env, the "
        "defaults); any other argument is passed to dbt, e.g. --full-refresh.",
    )
    commands.add_parser(
        "setup",
        parents=[common],
        help="offline one-time set-up (make setup runs it)",
        description="Install DuckDB's httpfs extension offline and write profiles.yml.",
    )
    demo = commands.add_parser(
        "demo",
        parents=[common],
        help="synthetic mirror -> load -> dbt build -> summary (offline)",
        description="Write a synthetic mirror, land it in the configured landing, build on "
        "DuckDB and print the status.",
    )
    demo.add_argument(
        "--dir", type=Path, default=None, help="where the synthetic mirror goes (demo/mirror)"
    )
    sources = commands.add_parser(
        "sources",
        parents=[common],
        help="render the dbt sources YAML from the taxi registry",
        description="Render dbt_project/models/staging/_tlc__sources.yml from loader/taxis.py.",
    )
    sources.add_argument("--write", action="store_true", help="write the file (else print it)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    prog = os.path.basename(sys.argv[0]) if argv is None else "taxi-elt"
    parser = build_parser("python -m loader" if prog == "__main__.py" else prog)
    args, extra = parser.parse_known_args(argv)
    if args.command == "build":
        args.dbt_args = extra  # everything the loader does not know goes to dbt
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)[:80]}")
    if args.command == "backfill" and args.last < args.first:
        parser.error(f"--to {args.last} is before --from {args.first}")
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s" if args.debug else "%(message)s",
        stream=sys.stderr,
    )
    # Libraries speak only through our one-line errors unless --debug asks for more.
    for noisy in ("urllib3", "google", "requests"):
        logging.getLogger(noisy).setLevel(logging.INFO if args.debug else logging.ERROR)
    signal.signal(signal.SIGTERM, _terminate)
    try:
        read_dotenv()
        return _run(args)
    except LoaderError as error:
        log.debug("failed", exc_info=True)
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except Exception as error:  # a bug of ours: still one line, the traceback with --debug
        log.debug("failed", exc_info=True)
        text = (str(error).splitlines() or [""])[0][:200]
        print(
            f"error: unexpected {type(error).__name__}: {text} (rerun with --debug for the "
            "traceback, and please report it)",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt as interrupt:
        terminated = isinstance(interrupt, _Terminated)
        print(
            f"error: {'terminated' if terminated else 'interrupted'}; nothing half-landed was "
            "published",
            file=sys.stderr,
        )
        return 143 if terminated else 130


class _Terminated(KeyboardInterrupt):
    """SIGTERM (systemd, Docker, a CI timeout), handled as an interrupt: temporaries go."""


def _terminate(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second TERM ends it at once
    raise _Terminated


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        source_url=getattr(args, "source_url", None),
        landing_uri=getattr(args, "landing_uri", None),
        source_format=getattr(args, "source_format", None),
    )


def _run(args: argparse.Namespace) -> int:
    command = args.command
    if command == "load":
        from loader.commands.load import run_load

        return run_load(
            _settings(args), args.taxi, [args.month], force=args.force, as_json=args.json
        )
    if command == "backfill":
        from loader.commands.backfill import run_backfill

        return run_backfill(
            _settings(args),
            args.taxi,
            args.first,
            args.last,
            jobs=args.jobs,
            build=not args.no_build,
            force=args.force,
            as_json=args.json,
            select=args.select,
        )
    if command == "sync":
        from loader.commands.sync import run_sync

        return run_sync(
            _settings(args),
            args.taxi,
            now=args.now,
            jobs=args.jobs,
            build=not args.no_build,
            as_json=args.json,
        )
    if command == "purge":
        from loader.commands.purge import run_purge

        formats = list(SOURCE_FORMATS) if args.formats == "all" else [args.formats]
        return run_purge(_settings(args), args.taxi, args.month, formats, yes=args.yes)
    if command == "sample":
        from loader.commands.sample import run_sample

        return run_sample(args.out, args.taxi, args.month, args.rows, args.seed, args.format)
    if command == "status":
        from loader.commands.status import run_status

        return run_status(_settings(args), as_json=args.json, verify=args.verify)
    if command == "report":
        from loader.commands.report import run_report

        return run_report(_settings(args), args.output)
    if command == "build":
        from loader.commands.build import run_build

        return run_build(_settings(args), args.dbt_args)
    if command == "setup":
        from loader.commands.setup import run_setup

        return run_setup()
    if command == "demo":
        from loader.commands.demo import run_demo

        return run_demo(args.dir)
    from loader.commands.sources import run_sources

    return run_sources(write=args.write)
