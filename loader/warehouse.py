"""Read what dbt merged: the merge log and per-file row counts in the DuckDB warehouse."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from loader.errors import LoaderError
from loader.taxis import TAXI_TYPES


@dataclass(frozen=True)
class MergedFile:
    taxi: str
    filename: str
    file_crc32c: str
    rows_landed: int
    rows_read: int
    rows_merged: int
    duplicates_removed: int
    merged_at: str
    rows_now: int  # rows of this file in the merged table right now


def read_merged_files(duckdb_path: Path) -> dict[tuple[str, str], MergedFile]:
    """(taxi, filename) -> what the last merge of that file recorded, with today's count."""
    if not duckdb_path.exists():
        return {}
    import duckdb

    try:
        con = duckdb.connect(str(duckdb_path), read_only=True)
    except duckdb.IOException as error:
        raise LoaderError(
            f"cannot open the warehouse {duckdb_path} ({str(error).splitlines()[0][:120]}); "
            "if dbt is running, try again when it has finished"
        ) from None
    try:
        tables = {
            row[0] for row in con.execute("select table_name from duckdb_tables()").fetchall()
        }
        if "merge_log" not in tables:
            return {}
        counts: dict[tuple[str, str], int] = {}
        for taxi in TAXI_TYPES:
            table = f"{taxi}_tripdata"
            if table in tables:
                for filename, rows in con.execute(
                    f"select filename, count(*) from main.{table} group by filename"
                ).fetchall():
                    counts[(taxi, filename)] = rows
        result = {}
        for row in con.execute(
            "select taxi, filename, file_crc32c, rows_landed, rows_read, rows_merged, "
            "duplicates_removed, strftime(merged_at, '%Y-%m-%d %H:%M:%S') from main.merge_log"
        ).fetchall():
            merged = MergedFile(*row, rows_now=counts.get((row[0], row[1]), 0))
            result[(merged.taxi, merged.filename)] = merged
        return result
    finally:
        con.close()
