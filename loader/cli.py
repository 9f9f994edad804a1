"""The command line: arguments in, one line per result out, one line per error, exit codes.

Exit codes: 0 success, 1 a load or check failed, 2 bad arguments or configuration.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from loader import __version__
from loader.config import Settings, load_settings, read_dotenv
from loader.errors import LoaderError, UsageError
from loader.months import Month
from loader.taxis import TaxiType, parse_taxis

log = logging.getLogger("loader")


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"error: {message} (see --help)\n")


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _taxis(text: str) -> list[TaxiType]:
    try:
        return parse_taxis(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a positive whole number")
    return int(text)


def _instant(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} is not an ISO 8601 time") from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text[:40]!r} needs a zone, e.g. Z or -05:00")
    return value


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="log details and tracebacks")
    location = argparse.ArgumentParser(add_help=False)
    location.add_argument("--source-url", help="base URL or folder (default: $TLC_SOURCE_URL)")
    location.add_argument("--landing-uri", help="folder or gs:// URI (default: $LANDING_URI)")

    parser = _Parser(prog="python -m loader", description=__doc__)
    parser.add_argument("--version", action="version", version=f"taxi-elt {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    load = commands.add_parser(
        "load", parents=[common, location], help="land one month of one or all taxi types"
    )
    load.add_argument("--taxi", type=_taxis, default=_taxis("all"), help="green, yellow or all")
    load.add_argument("--month", type=_month, required=True, help="YYYY-MM")
    load.add_argument(
        "--force", action="store_true", help="download even if the source looks unchanged"
    )

    backfill = commands.add_parser(
        "backfill", parents=[common, location], help="land a range of months, then one dbt build"
    )
    backfill.add_argument("--from", dest="first", type=_month, required=True, help="YYYY-MM")
    backfill.add_argument("--to", dest="last", type=_month, required=True, help="YYYY-MM")
    backfill.add_argument("--taxi", type=_taxis, default=_taxis("all"))
    backfill.add_argument("--jobs", type=_positive_int, default=4, help="loads at once (4)")
    backfill.add_argument("--no-build", action="store_true", help="skip the dbt build")
    backfill.add_argument("--force", action="store_true", help="download even if unchanged")

    sync = commands.add_parser(
        "sync",
        parents=[common, location],
        help="scheduled catch-up: load every due month not landed yet, then build",
    )
    sync.add_argument("--taxi", type=_taxis, default=_taxis("all"))
    sync.add_argument("--jobs", type=_positive_int, default=4)
    sync.add_argument("--no-build", action="store_true", help="skip the dbt build")
    sync.add_argument(
        "--now", type=_instant, default=None, help="pretend it is this time (ISO 8601 with zone)"
    )

    purge = commands.add_parser(
        "purge", parents=[common, location], help="remove a landed month and its manifest record"
    )
    purge.add_argument("--taxi", type=_taxis, default=_taxis("all"))
    purge.add_argument("--month", type=_month, required=True)
    purge.add_argument("--yes", action="store_true", help="confirm")

    sample = commands.add_parser(
        "sample", parents=[common], help="write a synthetic mirror in the release layout"
    )
    sample.add_argument("--out", type=Path, required=True, help="folder of the mirror")
    sample.add_argument("--taxi", type=_taxis, default=_taxis("all"))
    sample.add_argument("--month", type=_month, action="append", required=True)
    sample.add_argument("--rows", type=_positive_int, default=20_000, help="rows per file")
    sample.add_argument("--seed", type=int, default=2021)

    status = commands.add_parser(
        "status", parents=[common, location], help="landed files, merged rows, reconciliation"
    )
    status.add_argument("--json", action="store_true", help="machine-readable output")
    status.add_argument(
        "--verify",
        action="store_true",
        help="recompute each local landed file's CRC32C (GCS objects are always checked)",
    )

    commands.add_parser(
        "build",
        parents=[common, location],
        help="dbt build with the loader's settings (.env included); extra arguments go to dbt",
    )

    commands.add_parser(
        "setup", parents=[common], help="offline one-time set-up (make setup runs it)"
    )

    demo = commands.add_parser(
        "demo", parents=[common], help="synthetic mirror -> load -> dbt build -> summary (offline)"
    )
    demo.add_argument(
        "--dir", type=Path, default=None, help="where the demo's mirror, landing and DuckDB go"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if args.command == "build":
        args.dbt_args = extra  # everything the loader does not know goes to dbt
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)[:80]}")
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s" if args.debug else "%(message)s",
        stream=sys.stderr,
    )
    # Libraries speak only through our one-line errors unless --debug asks for more.
    for noisy in ("urllib3", "google", "requests"):
        logging.getLogger(noisy).setLevel(logging.INFO if args.debug else logging.ERROR)
    try:
        read_dotenv()
        return _run(args)
    except LoaderError as error:
        log.debug("failed", exc_info=True)
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("error: interrupted; nothing half-landed was published", file=sys.stderr)
        return 130


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(
        source_url=getattr(args, "source_url", None),
        landing_uri=getattr(args, "landing_uri", None),
    )


def _run(args: argparse.Namespace) -> int:
    if args.command == "load":
        from loader.commands import run_load

        return run_load(_settings(args), args.taxi, [args.month], force=args.force)
    if args.command == "backfill":
        from loader.backfill import run_backfill

        return run_backfill(
            _settings(args),
            args.taxi,
            args.first,
            args.last,
            jobs=args.jobs,
            build=not args.no_build,
            force=args.force,
        )
    if args.command == "sync":
        from loader.sync import run_sync

        return run_sync(
            _settings(args), args.taxi, now=args.now, jobs=args.jobs, build=not args.no_build
        )
    if args.command == "purge":
        from loader.purge import run_purge

        return run_purge(_settings(args), args.taxi, args.month, yes=args.yes)
    if args.command == "sample":
        from loader.commands import run_sample

        return run_sample(args.out, args.taxi, args.month, args.rows, args.seed)
    if args.command == "status":
        from loader.status import run_status

        return run_status(_settings(args), as_json=args.json, verify=args.verify)
    if args.command == "build":
        from loader.commands import run_build

        return run_build(_settings(args), args.dbt_args)
    if args.command == "setup":
        from loader.setup import run_setup

        return run_setup()
    if args.command == "demo":
        from loader.commands import run_demo

        return run_demo(args.dir)
    raise UsageError(f"unknown command {args.command}")  # pragma: no cover
