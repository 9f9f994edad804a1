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
