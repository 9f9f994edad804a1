"""Run dbt from the loader (demo, backfill, sync) as a subprocess in the project root."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from loader.config import PROJECT_ROOT, Settings
from loader.errors import LoaderError


def dbt_executable() -> str:
    beside = Path(sys.executable).with_name("dbt")
    return str(beside) if beside.exists() else (shutil.which("dbt") or "dbt")


def run_dbt(args: list[str], settings: Settings, *, quiet: bool = False) -> str:
    """Run `dbt <args>` in the project root; return a one-line summary or raise LoaderError.

    dbt gets the loader's resolved settings (from flags, the environment or .env, with the
    defaults applied), so both always read and write the same landing and warehouse.
    """
    environment = {
        **os.environ,
        "LANDING_URI": settings.landing_uri,
        "DUCKDB_PATH": str(settings.duckdb_path),
    }
    results = PROJECT_ROOT / (environment.get("DBT_TARGET_PATH") or "target") / "run_results.json"
    results.unlink(missing_ok=True)  # never quote an earlier run's results
    with tempfile.TemporaryDirectory(prefix="taxi-elt-profiles-") as fallback:
        if "DBT_PROFILES_DIR" not in environment and not (PROJECT_ROOT / "profiles.yml").exists():
            shutil.copy(PROJECT_ROOT / "profiles.example.yml", Path(fallback) / "profiles.yml")
            environment["DBT_PROFILES_DIR"] = fallback
        command = [dbt_executable(), *(["--quiet"] if quiet else []), *args]
        completed = subprocess.run(command, cwd=PROJECT_ROOT, env=environment, check=False)
    summary = _summary(results)
    if completed.returncode != 0:
        raise LoaderError(
            f"dbt {args[0]} failed (exit {completed.returncode}; {summary}); see its output "
            "above and logs/dbt.log"
        )
    return summary


def _summary(path: Path) -> str:
    try:
        results = json.loads(path.read_text())["results"]
    except (OSError, ValueError, KeyError):
        return "no run results"
    counts = Counter(
        ("test" if result["unique_id"].startswith("test.") else "node", result["status"])
        for result in results
    )
    words = {
        ("node", "success"): "built",
        ("test", "pass"): "tests passed",
        ("test", "fail"): "tests FAILED",
        ("test", "warn"): "tests warned",
        ("node", "error"): "FAILED",
        ("test", "error"): "tests in ERROR",
    }
    return ", ".join(
        f"{count} {words.get(key, ' '.join(key))}" for key, count in sorted(counts.items())
    )
