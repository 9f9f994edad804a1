"""The analytics baseline: the select of a model as dbt compiled it (its first build, not the
incremental one), run outside dbt as one `create table as` in the warehouse dbt built, with the
merge baseline's settings. Prints the statement's seconds and rows as JSON; drops the table.

    python bench/baseline_analytics.py COMPILED.sql DUCKDB_PATH
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import duckdb

TABLE = "bench_analytics_statement"


def main(compiled: str, database: str) -> None:
    select = Path(compiled).read_text()
    con = duckdb.connect(database)
    con.execute("set preserve_insertion_order = false")
    started = time.perf_counter()
    con.execute(f"create or replace table {TABLE} as {select}")
    seconds = time.perf_counter() - started
    rows = con.execute(f"select count(*) from {TABLE}").fetchall()[0][0]
    con.execute(f"drop table {TABLE}")
    con.close()
    print(json.dumps({"seconds": seconds, "rows": rows}))


if __name__ == "__main__":
    main(*sys.argv[1:3])
