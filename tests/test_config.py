import os
from pathlib import Path

import pytest

from loader.config import (
    DEFAULT_SOURCE_URL,
    PROJECT_ROOT,
    BigQuerySettings,
    load_settings,
    read_dotenv,
    validate_landing_uri,
    validate_source_url,
)
from loader.errors import UsageError


def test_defaults():
    settings = load_settings({})
    assert settings.source_url == DEFAULT_SOURCE_URL
    assert settings.landing_uri == str(PROJECT_ROOT / "lake")
    assert settings.duckdb_path == PROJECT_ROOT / "taxi.duckdb"


def test_flags_win_over_environment():
    env = {"TLC_SOURCE_URL": "http://env.example/x", "LANDING_URI": "/tmp/env-lake"}
    settings = load_settings(env, source_url="http://flag.example/y/", landing_uri="/tmp/flag")
    assert settings.source_url == "http://flag.example/y"
    assert settings.landing_uri == "/tmp/flag"
    assert load_settings(env).landing_uri == "/tmp/env-lake"


def test_environment_wins_over_dotenv(tmp_path, monkeypatch):
    (tmp_path / ".env").write_text("LANDING_URI=/tmp/from-dotenv\nDUCKDB_PATH=/tmp/dotenv.duckdb\n")
    monkeypatch.setenv("LANDING_URI", "/tmp/from-env")
    monkeypatch.delenv("DUCKDB_PATH", raising=False)
    read_dotenv(tmp_path)
    settings = load_settings()
    assert settings.landing_uri == "/tmp/from-env"
    assert settings.duckdb_path == Path("/tmp/dotenv.duckdb")
    monkeypatch.delenv("DUCKDB_PATH")


@pytest.mark.parametrize(
    "value",
    [
        "lake'; drop table x; --",
        "lake\nother",
        "my lake",
        'lake"',
        "gs://Bad_Bucket/landing",
        "gs://b/landing/../x",
        "s3://bucket/x",
        "x" * 2000,
    ],
)
def test_rejects_unsafe_landing_uris(value):
    with pytest.raises(UsageError, match="LANDING_URI"):
        validate_landing_uri(value)


def test_accepts_gcs_and_relative_landing():
    assert validate_landing_uri("gs://my-bucket/landing/") == "gs://my-bucket/landing"
    assert validate_landing_uri("gs://my-bucket") == "gs://my-bucket"
    assert validate_landing_uri("lake", Path("/repo")) == "/repo/lake"


@pytest.mark.parametrize("value", ["ftp://x/y", "http://a b/c", "http://x/'y", "dir with space"])
def test_rejects_bad_source_urls(value):
    with pytest.raises(UsageError, match="TLC_SOURCE_URL"):
        validate_source_url(value)


def test_source_may_be_a_folder_or_file_url(tmp_path):
    assert validate_source_url(str(tmp_path)) == str(tmp_path)
    assert validate_source_url(f"file://{tmp_path}") == f"file://{tmp_path}"


def test_bad_numbers_are_usage_errors():
    with pytest.raises(UsageError, match="TLC_HTTP_TRIES"):
        load_settings({"TLC_HTTP_TRIES": "many"})
    with pytest.raises(UsageError, match="TLC_HTTP_TIMEOUT"):
        load_settings({"TLC_HTTP_TIMEOUT": "0"})


def test_home_relative_paths_are_refused():
    # DuckDB reports the expanded path, so a '~' landing would never match the batch filter.
    with pytest.raises(UsageError, match="LANDING_URI"):
        validate_landing_uri("~/lake")


def test_an_empty_variable_means_the_default(tmp_path):
    # python-dotenv turns 'LANDING_URI=' in .env into an empty string.
    settings = load_settings({"LANDING_URI": "", "DUCKDB_PATH": "", "TLC_SOURCE_URL": ""})
    assert settings.landing_uri == str(PROJECT_ROOT / "lake")
    assert settings.duckdb_path == PROJECT_ROOT / "taxi.duckdb"
    assert settings.source_url == DEFAULT_SOURCE_URL


def test_dbt_treats_an_empty_landing_uri_as_unset(tmp_path):
    import json

    from tests.support.dbt_scratch import run_dbt_in

    run = run_dbt_in(tmp_path, "parse", LANDING_URI="", DUCKDB_PATH="")
    assert run.returncode == 0, run.stdout[-2000:]
    manifest = json.loads((tmp_path / "target" / "manifest.json").read_text())
    locations = {
        node["name"]: node["external"]["location"]
        for node in manifest["sources"].values()
        if node.get("external")
    }
    assert locations["green_tripdata_ext"] == "lake/green/green_tripdata_*.csv"
    assert locations["landed_files"] == "lake/_manifest/*.json"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('LANDING_URI=/tmp/ok\nTLC_SOURCE_FORMAT = "parquet\n', 2),
        ("# settings\n\nnot a setting\n", 3),
        ("A=1\n\n\nLANDING_URI='gs://b/x\nB=2\n", 4),
    ],
)
def test_a_dotenv_line_that_does_not_parse_stops_the_run(tmp_path, monkeypatch, text, line):
    monkeypatch.delenv("LANDING_URI", raising=False)
    (tmp_path / ".env").write_text(text)
    with pytest.raises(UsageError, match=rf"\.env line {line} does not parse") as caught:
        read_dotenv(tmp_path)
    assert "gs://" not in str(caught.value) and "parquet" not in str(caught.value)  # no value
    assert "LANDING_URI" not in os.environ  # nothing of the file was applied


def test_a_dotenv_that_cannot_be_read_stops_the_run(tmp_path):
    (tmp_path / ".env").write_bytes(b"LANDING_URI=/tmp/\xff\n")
    with pytest.raises(UsageError, match="not UTF-8"):
        read_dotenv(tmp_path)
    (tmp_path / ".env").unlink()
    (tmp_path / ".env").mkdir()
    with pytest.raises(UsageError, match=r"cannot read .*\.env"):
        read_dotenv(tmp_path)


@pytest.mark.parametrize("value", ["bigqeury", "DuckDB", "duckdb ", "postgres"])
def test_dbt_target_must_be_a_target_of_the_profile(value):
    with pytest.raises(UsageError, match="DBT_TARGET .* is not one of: duckdb, bigquery"):
        load_settings({"DBT_TARGET": value})
    assert load_settings({"DBT_TARGET": "bigquery"}).dbt_target == "bigquery"
    assert load_settings({}).dbt_target == "duckdb"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("TLC_HTTP_TIMEOUT", "inf"),
        ("TLC_HTTP_TIMEOUT", "nan"),
        ("TLC_HTTP_TIMEOUT", "1e9"),
        ("TLC_HTTP_TRIES", "2.5"),
        ("TLC_HTTP_TRIES", "-inf"),
        ("TLC_HTTP_TRIES", "1000"),
        ("TLC_HTTP_BACKOFF", "NaN"),
        ("TLC_HTTP_BACKOFF", "-1"),
    ],
)
def test_numbers_are_finite_and_in_range(name, value):
    with pytest.raises(UsageError, match=name):
        load_settings({name: value})


def test_numbers_within_range_are_taken():
    settings = load_settings(
        {"TLC_HTTP_TIMEOUT": "0.5", "TLC_HTTP_TRIES": "3.0", "TLC_HTTP_BACKOFF": "0"}
    )
    assert (settings.http_timeout, settings.http_tries, settings.http_backoff) == (0.5, 3, 0)


def test_duckdb_path_is_a_duckdb_file_or_a_new_one(tmp_path):
    import duckdb

    with pytest.raises(UsageError, match="is a folder"):
        load_settings({"DUCKDB_PATH": str(tmp_path)})
    csv = tmp_path / "trips.csv"
    csv.write_text("VendorID,fare\n1,2.5\n")
    with pytest.raises(UsageError, match="is not a DuckDB database"):
        load_settings({"DUCKDB_PATH": str(csv)})
    with pytest.raises(UsageError, match="is a file, not a folder"):
        load_settings({"DUCKDB_PATH": str(csv / "taxi.duckdb")})
    warehouse = tmp_path / "taxi.duckdb"
    duckdb.connect(str(warehouse)).close()
    assert load_settings({"DUCKDB_PATH": str(warehouse)}).duckdb_path == warehouse
    new = tmp_path / "not" / "yet" / "taxi.duckdb"
    assert load_settings({"DUCKDB_PATH": str(new)}).duckdb_path == new
    assert not (tmp_path / "not").exists()  # checked, nothing created
    empty = tmp_path / "empty.duckdb"
    empty.touch()  # DuckDB refuses an empty file as much as a CSV
    with pytest.raises(UsageError, match="is not a DuckDB database"):
        load_settings({"DUCKDB_PATH": str(empty)})


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("GCP_PROJECT_ID", "my project"),
        ("GCP_PROJECT_ID", "p`; drop table x; --"),
        ("BQ_DATASET", "taxi-elt"),
        ("BQ_DATASET", "taxi`.x"),
        ("BQ_LOCATION", "us central"),
        ("BIGQUERY_EMULATOR_HOST", "127.0.0.1:9050"),
    ],
)
def test_bigquery_names_are_checked_before_anything_runs(name, value):
    """They reach SQL and a client: refused whatever the target, never at query time."""
    with pytest.raises(UsageError, match=rf"^{name} .* is not a valid value$"):
        load_settings({name: value})


def test_the_bigquery_settings_in_one_place():
    settings = load_settings(
        {
            "DBT_TARGET": "bigquery",
            "GCP_PROJECT_ID": "demo-project",
            "BQ_DATASET": "taxi",
            "BQ_LOCATION": "EU",
            "BIGQUERY_EMULATOR_HOST": "http://127.0.0.1:9050",
        }
    )
    assert (settings.dbt_target, settings.bigquery) == (
        "bigquery",
        BigQuerySettings("demo-project", "taxi", "EU", "http://127.0.0.1:9050"),
    )
    assert load_settings({}).bigquery == BigQuerySettings("", "taxi_elt", "US", None)
