"""`setup`: the offline one-time set-up `make setup` runs after installing the pinned packages."""

from __future__ import annotations

import shutil

from loader.arguments import Shared, Subcommands
from loader.config import PROJECT_ROOT
from loader.duckdb_extensions import install_duckdb_extensions


def run_setup() -> int:
    directory = install_duckdb_extensions()
    print(f"setup      DuckDB httpfs installed offline in {directory}")
    profiles = PROJECT_ROOT / "profiles.yml"
    if not profiles.exists():
        shutil.copy(PROJECT_ROOT / "profiles.example.yml", profiles)
        print(f"setup      wrote {profiles} from profiles.example.yml (edit it; it is gitignored)")
    return 0


def add_parser(commands: Subcommands, shared: Shared) -> None:
    parser = commands.add_parser(
        "setup",
        parents=[shared.common],
        help="offline one-time set-up (make setup runs it)",
        description="Install DuckDB's httpfs extension offline and write profiles.yml.",
    )
    parser.set_defaults(run=lambda args: run_setup())
