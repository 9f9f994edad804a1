"""DuckDB's httpfs extension, installed offline from the pinned wheel.

DuckDB reads gs:// through httpfs, which DuckDB would download from the internet. PyPI ships it
pinned to DuckDB 1.5.5 (duckdb-extension-httpfs); install that copy into the project's
extension directory, which the dbt profile points DuckDB at, so nothing is ever downloaded and
a fresh machine works offline.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from loader.config import PROJECT_ROOT

DEFAULT_EXTENSION_DIRECTORY = ".duckdb_extensions"


def extension_directory() -> Path:
    path = Path(os.environ.get("DUCKDB_EXTENSION_DIRECTORY") or DEFAULT_EXTENSION_DIRECTORY)
    return path if path.is_absolute() else PROJECT_ROOT / path


def install_duckdb_extensions(directory: Path | None = None) -> Path:
    """Install httpfs from the pinned wheel (idempotent, offline); returns the directory."""
    directory = directory or extension_directory()
    directory.mkdir(parents=True, exist_ok=True)
    # Parallel test workers (and parallel `make` runs) install into one directory: take turns.
    with (directory / ".install.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _install_httpfs(directory)
    return directory


def _install_httpfs(directory: Path) -> None:
    import duckdb
    import duckdb_extensions

    con = duckdb.connect(config={"extension_directory": str(directory)})
    try:
        installed = {
            name
            for (name,) in con.execute(
                "select extension_name from duckdb_extensions() where installed"
            ).fetchall()
        }
        if "httpfs" not in installed:
            duckdb_extensions.import_extension("httpfs", con=con)
        con.execute("load httpfs")
    finally:
        con.close()
