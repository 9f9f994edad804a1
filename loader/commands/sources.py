"""`sources`: render the dbt YAML the taxi registry decides (see loader/dbt_yaml.py)."""

from __future__ import annotations

from loader.arguments import Shared, Subcommands
from loader.config import PROJECT_ROOT
from loader.dbt_yaml import rendered, stale


def run_sources(*, write: bool) -> int:
    if write:
        for path, text in rendered().items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote      {path.relative_to(PROJECT_ROOT)}")
        return 0
    out_of_date = stale()
    for path in out_of_date:
        print(f"stale      {path.relative_to(PROJECT_ROOT)}: run python -m loader sources --write")
    if not out_of_date:
        print("the dbt YAML is what loader/taxis.py renders")
    return 1 if out_of_date else 0


def add_parser(commands: Subcommands, shared: Shared) -> None:
    parser = commands.add_parser(
        "sources",
        parents=[shared.common],
        help="render the dbt sources YAML from the taxi registry",
        description="Render dbt_project/models/staging/_tlc__sources.yml from loader/taxis.py.",
    )
    parser.add_argument("--write", action="store_true", help="write the file (else print it)")
    parser.set_defaults(run=lambda args: run_sources(write=args.write))
