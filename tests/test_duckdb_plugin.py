"""The dbt-duckdb plugin of the profile: tlc_file_md5, a file's MD5 read in pieces."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

from loader import duckdb_plugin


def test_the_md5_of_a_file_read_in_pieces_is_the_md5_of_its_bytes(tmp_path, monkeypatch):
    monkeypatch.setattr(duckdb_plugin, "PIECE", 7)
    path = tmp_path / "landed.parquet"
    content = bytes(range(256)) * 3 + b"tail"
    path.write_bytes(content)
    assert duckdb_plugin.file_md5(str(path)) == hashlib.md5(content).hexdigest()
    assert duckdb_plugin.file_md5(str(tmp_path / "gone.parquet")) is None
    assert duckdb_plugin.file_md5("gs://bucket/landing/green/x.parquet") is None


def test_duckdb_gets_the_function_once_per_database(tmp_path: Path):
    path = tmp_path / "f.bin"
    path.write_bytes(b"taxi")
    con = duckdb.connect(str(tmp_path / "t.duckdb"))
    duckdb_plugin.register(con)
    duckdb_plugin.register(con)  # a second connection of dbt's finds it there: no error
    cursor = con.cursor()
    assert cursor.execute(f"select tlc_file_md5('{path}')").fetchall() == [
        (hashlib.md5(b"taxi").hexdigest(),)
    ]
