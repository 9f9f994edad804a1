"""The key macro: every source column is hashed, and only identical rows share a key.

Compiles the staging model with dbt, takes the key expression it renders, and evaluates it in
DuckDB over hand-made rows next to the Python reference implementation.
"""

from __future__ import annotations

import re

import duckdb
import pytest

from loader.taxis import GREEN
from tests.support.dbt_scratch import run_dbt_in
from tests.support.keys import green_key

ROW = ",2021-01-01 00:15:56,2021-01-01 00:19:52,,,43,151,,1.01,5.5,0.5,0.5,0,0,,0.3,6.8,,,"
ROW2 = (
    "2,2021-01-01 00:25:59,2021-01-01 00:34:44,N,1,166,239,1,2.53,10,0.5,0.5,2.81,0,,0.3,16.86,"
    "1,1,2.75"
)


@pytest.fixture(scope="module")
def key_expression(tmp_path_factory) -> str:
    work = tmp_path_factory.mktemp("compile")
    completed = run_dbt_in(
        work,
        "compile",
        "--select",
        "stg_tlc__green_trips",
        DUCKDB_PATH=str(work / "compile.duckdb"),
        LANDING_URI=str(work / "lake"),
    )
    assert completed.returncode == 0, completed.stdout[-3000:]
    compiled = next((work / "target").rglob("stg_tlc__green_trips.sql")).read_text()
    # The CSV half of the staging view: its first key expression.
    head = compiled.split(" as unique_row_id")[0]
    assert "md5(concat(" in head, compiled
    return head[head.rindex("md5(concat(") :]


def keys_of(expression: str, lines: list[str]) -> list[str]:
    con = duckdb.connect()
    types = {
        "VendorID": "bigint",
        "RatecodeID": "bigint",
        "PULocationID": "bigint",
        "DOLocationID": "bigint",
        "passenger_count": "bigint",
        "payment_type": "bigint",
        "trip_type": "bigint",
        "store_and_fwd_flag": "varchar",
        "lpep_pickup_datetime": "timestamp",
        "lpep_dropoff_datetime": "timestamp",
    }
    # Every column of the merged table: those only parquet files carry stay NULL here.
    names = [column.name for column in GREEN.all_columns]
    columns = ", ".join(f'"{c}" {types.get(c, "numeric(18,2)")}' for c in names)
    con.execute(f"create table trips ({columns})")
    listed = ", ".join(f'"{c}"' for c in GREEN.column_names)
    for line in lines:
        values = [None if value == "" else value for value in line.split(",")]
        con.execute(f"insert into trips ({listed}) values ({', '.join('?' * len(values))})", values)
    return [row[0] for row in con.execute(f"select {expression} from trips").fetchall()]


def test_key_hashes_every_source_column(key_expression):
    for column in GREEN.column_names:
        assert f'"{column}"' in key_expression, column
    assert "filename" not in key_expression


def test_same_row_same_key_and_matches_the_reference(key_expression):
    keys = keys_of(key_expression, [ROW, ROW2, ROW])
    assert keys[0] == keys[2] != keys[1]
    assert keys == [green_key(ROW), green_key(ROW2), green_key(ROW)]
    assert all(re.fullmatch("[0-9a-f]{32}", key) for key in keys)


def test_any_single_column_changes_the_key(key_expression):
    base = ROW2.split(",")
    variants = []
    for index, column in enumerate(GREEN.column_names):
        changed = list(base)
        if column.endswith("_datetime"):
            changed[index] = changed[index].replace(":59", ":58").replace(":44", ":43")
        elif column == "store_and_fwd_flag":
            changed[index] = "Y"
        else:
            changed[index] = "7"
        variants.append(",".join(changed))
    keys = keys_of(key_expression, [ROW2, *variants])
    assert len(set(keys)) == len(keys)


def test_null_empty_and_zero_differ_and_trailing_zeros_do_not(key_expression):
    base = ROW2.split(",")
    tip = GREEN.column_names.index("tip_amount")

    def with_tip(value: str) -> str:
        changed = list(base)
        changed[tip] = value
        return ",".join(changed)

    keys = keys_of(key_expression, [with_tip(""), with_tip("0"), with_tip("2.8"), with_tip("2.80")])
    assert len({keys[0], keys[1], keys[2]}) == 3
    assert keys[2] == keys[3]  # 2.8 and 2.80 are the same amount


def test_separator_keeps_adjacent_fields_apart(key_expression):
    base = ROW2.split(",")
    pickup, dropoff = (
        GREEN.column_names.index("PULocationID"),
        GREEN.column_names.index("DOLocationID"),
    )
    first, second = list(base), list(base)
    first[pickup], first[dropoff] = "1", "23"
    second[pickup], second[dropoff] = "12", "3"
    keys = keys_of(key_expression, [",".join(first), ",".join(second)])
    assert keys[0] != keys[1]
