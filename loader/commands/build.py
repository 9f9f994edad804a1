"""`build`: dbt build with the loader's settings (flags, the environment, .env, defaults)."""

from __future__ import annotations

from loader.config import Settings
from loader.dbt_runner import run_dbt


def run_build(settings: Settings, dbt_args: list[str]) -> int:
    print(f"dbt build: {run_dbt(['build', *dbt_args], settings)}")
    return 0
