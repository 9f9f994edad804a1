"""taxi-elt: land the monthly NYC TLC trip files and merge them with dbt.

Exit codes: 0 success, 1 a load, build or check failed, 2 bad arguments or configuration,
130 interrupted (143 on SIGTERM). Errors are one line on stderr; --debug adds the traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence

from loader import __version__
from loader.arguments import Parser, shared_options
from loader.commands import (
    backfill,
    build,
    demo,
    load,
    purge,
    report,
    sample,
    setup,
    sources,
    status,
    sync,
)
from loader.config import read_dotenv
from loader.errors import LoaderError

log = logging.getLogger("loader")

# Each verb's module declares its parser and what it runs (add_parser); the order is --help's.
COMMANDS = (load, backfill, sync, purge, sample, status, report, build, setup, demo, sources)


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = Parser(prog=prog, description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--version", action="version", version=f"taxi-elt {__version__}")
    commands = parser.add_subparsers(
        dest="command", required=True, parser_class=Parser, metavar="command"
    )
    shared = shared_options()
    for command in COMMANDS:
        command.add_parser(commands, shared)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    prog = os.path.basename(sys.argv[0]) if argv is None else "taxi-elt"
    parser = build_parser("python -m loader" if prog == "__main__.py" else prog)
    args, extra = parser.parse_known_args(argv)
    if getattr(args, "passes_unknown_arguments", False):
        args.unknown_arguments = extra  # `build`: everything the loader does not know, to dbt
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
    signal.signal(signal.SIGTERM, _terminate)
    try:
        read_dotenv()
        return args.run(args)
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
