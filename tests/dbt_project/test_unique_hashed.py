"""DuckDB's `unique` test (macros/tests/duckdb__test_unique.sql) answers exactly as dbt's.

It groups 64-bit hashes first and recounts only the values whose hash is shared. The macro is
rendered as dbt renders it and run in DuckDB next to dbt's own query, also with a `hash` that
sends every value to one bucket: shared hashes must cost a recount, never a wrong answer.
"""

from __future__ import annotations

from pathlib import Path

import dbt.include.global_project
import duckdb
import jinja2
import pytest

MACROS = Path(__file__).parents[2] / "dbt_project" / "macros" / "tests"
# dbt's own default__test_unique, the answer to match.
DBT_MACROS = Path(dbt.include.global_project.__file__).parent / "macros" / "generic_test_sql"


def render(path: Path, name: str, model: str, column: str) -> str:
    return str(
        getattr(jinja2.Environment().from_string(path.read_text()).module, name)(model, column)
    )


def hashed_unique(model: str, column: str) -> str:
    return render(MACROS / "duckdb__test_unique.sql", "duckdb__test_unique", model, column)


def dbt_unique(model: str, column: str) -> str:
    return render(DBT_MACROS / "unique.sql", "default__test_unique", model, column)


@pytest.fixture
def trips() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    connection.execute(
        "create table trips as select * from (values ('a', 1), ('a', 2), ('a', 3), ('b', 4),"
        " ('b', 5), ('c', 6), (null, 7), (null, 8), ('d', 9)) as v(unique_row_id, n)"
    )
    return connection


def answer(connection: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return sorted(connection.execute(f"select * from ({sql})").fetchall())


@pytest.mark.parametrize(
    "model",
    ["trips", "(select * from trips where n <> 5) dbt_subquery"],
    ids=["table", "scoped subquery"],
)
def test_same_answer_as_dbt(trips, model: str) -> None:
    expected = answer(trips, dbt_unique(model, "unique_row_id"))
    assert expected  # the fixture holds duplicates: the comparison means something
    assert answer(trips, hashed_unique(model, "unique_row_id")) == expected


def test_shared_hashes_are_recounted(trips) -> None:
    expected = answer(trips, dbt_unique("trips", "unique_row_id"))
    trips.execute("create macro hash(value) as 7")  # every value in one bucket
    assert trips.execute("select hash('c') = hash('d')").fetchone() == (True,)
    assert expected == [("a", 3), ("b", 2)]
    assert answer(trips, hashed_unique("trips", "unique_row_id")) == expected


def test_no_duplicates_no_rows(trips) -> None:
    trips.execute("delete from trips where n in (2, 3, 5)")
    assert answer(trips, hashed_unique("trips", "unique_row_id")) == []
