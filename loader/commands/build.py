"""`build`: dbt build with the loader's settings (flags, the environment, .env, defaults)."""

from __future__ import annotations

import argparse

from loader.arguments import Shared, Subcommands, settings_from
from loader.config import Settings
from loader.dbt_runner import run_dbt


def run_build(settings: Settings, dbt_args: list[str]) -> int:
    print(f"dbt build: {run_dbt(['build', *dbt_args], settings)}")
    return 0


def add_parser(commands: Subcommands, shared: Shared) -> None:
    parser = commands.add_parser(
        "build",
        parents=[shared.common, shared.location],
        help="dbt build with the loader's settings; extra arguments go to dbt",
        description="dbt build with the loader's settings (flags, the environment, .env, the "
        "defaults); any other argument is passed to dbt, e.g. --full-refresh.",
    )
    parser.set_defaults(run=_run, passes_unknown_arguments=True)


def _run(args: argparse.Namespace) -> int:
    return run_build(settings_from(args), args.unknown_arguments)
