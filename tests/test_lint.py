"""The code stays ruff-clean (lint and format), as CI would demand."""

import subprocess
import sys
from pathlib import Path

from tests.conftest import PROJECT_ROOT

RUFF = str(Path(sys.executable).with_name("ruff"))


def test_ruff_check():
    run = subprocess.run(
        [RUFF, "check", "loader", "tests", "bench"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout


def test_ruff_format():
    run = subprocess.run(
        [RUFF, "format", "--check", "loader", "tests", "bench"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout


def test_sqlfluff_over_the_models_and_analyses(tmp_path):
    """dbt Labs' style where it is checkable (.sqlfluff): rendered by dbt, on a fresh warehouse."""
    import os
    import shutil

    shutil.copy(PROJECT_ROOT / "profiles.example.yml", tmp_path / "profiles.yml")
    env = {
        **os.environ,
        "DBT_PROFILES_DIR": str(tmp_path),
        "LANDING_URI": str(tmp_path / "lake"),
        "DUCKDB_PATH": str(tmp_path / "taxi.duckdb"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
        "DBT_TARGET": "duckdb",
    }
    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("sqlfluff")),
            "lint",
            "dbt_project/models",
            "dbt_project/analyses",
        ],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "Skipped file" not in run.stdout + run.stderr  # a file dbt could not render
