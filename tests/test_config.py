from pathlib import Path

import pytest

from loader.config import (
    DEFAULT_SOURCE_URL,
    PROJECT_ROOT,
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
