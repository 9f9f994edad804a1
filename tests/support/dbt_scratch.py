"""Run dbt from the project root with a scratch folder of its own: profiles (a copy of
profiles.example.yml), HOME, target and log paths. For tests that need no landing or server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent


def run_dbt_in(work: Path, *args: str, inherit: bool = False, **env: str):
    """`dbt <args>` with `work` as its scratch folder; target in `work/target`."""
    shutil.copy(PROJECT_ROOT / "profiles.example.yml", work / "profiles.yml")
    base = dict(os.environ) if inherit else {"PATH": str(Path(sys.executable).parent)}
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            *args,
            "--target-path",
            str(work / "target"),
            "--log-path",
            str(work / "logs"),
        ],
        cwd=PROJECT_ROOT,
        env={**base, "HOME": str(work), "DBT_PROFILES_DIR": str(work), **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
