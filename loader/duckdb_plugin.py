"""The dbt-duckdb plugin the profile names (`plugins: [{module: loader.duckdb_plugin}]`).

It gives DuckDB `tlc_file_md5(path)`: a landed file's MD5 read in 1 MiB pieces, for the merge
step's check that a landed parquet file is still the one the loader wrote (its manifest `md5`).
DuckDB's own `md5(content)` of `read_blob` holds the whole file as one value: a landed month
larger than the profile's memory_limit (a 15 M-row month lands at about 1 GB) would fail the
build. Without the plugin (an older profiles.yml) the merge step falls back to DuckDB's.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any

import duckdb
from dbt.adapters.duckdb.plugins import BasePlugin

FUNCTION = "tlc_file_md5"
PIECE = 1 << 20


def file_md5(path: str) -> str | None:
    """The MD5 (hex) of a local file's bytes; NULL where it is no readable local file (a gs://
    object: the merge step reads it through DuckDB instead)."""
    digest = hashlib.md5(usedforsecurity=False)
    try:
        with open(path, "rb") as handle:
            while piece := handle.read(PIECE):
                digest.update(piece)
    except OSError:
        return None
    return digest.hexdigest()


def register(connection: Any) -> None:
    # A second connection of the database, or the same one again: it has the function.
    with contextlib.suppress(duckdb.CatalogException, duckdb.NotImplementedException):
        connection.create_function(FUNCTION, file_md5, ["VARCHAR"], "VARCHAR", side_effects=True)


class Plugin(BasePlugin):
    def configure_connection(self, conn: Any) -> None:
        register(conn)
