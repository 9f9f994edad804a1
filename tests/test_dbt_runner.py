"""What dbt prints under the loader: dbt's own lines on a terminal, a short account on a pipe."""

from __future__ import annotations

from loader.dbt_runner import console_options


def test_a_terminal_sees_dbt_as_it_is():
    assert console_options(quiet=False, terminal=True) == []
    assert console_options(quiet=True, terminal=True) == ["--quiet"]


def test_a_pipe_gets_no_colour_codes_and_only_warnings_and_errors():
    # The file log stays at debug: dbt's --log-level would otherwise lower it too.
    assert console_options(quiet=False, terminal=False) == [
        "--log-level",
        "warn",
        "--log-level-file",
        "debug",
        "--no-use-colors",
    ]
    assert console_options(quiet=True, terminal=False) == ["--quiet", "--no-use-colors"]


def test_dbt_gets_the_example_profile_only_where_it_would_find_none(tmp_path, monkeypatch):
    """No DBT_PROFILES_DIR and no profiles.yml at the root: a temporary folder holding
    profiles.example.yml, gone after the block; either of the two: no fallback at all."""
    from pathlib import Path

    from loader import dbt_runner
    from loader.config import load_settings

    (tmp_path / "profiles.example.yml").write_text("taxi_elt: {}\n")
    monkeypatch.setattr(dbt_runner, "PROJECT_ROOT", tmp_path)
    monkeypatch.delenv("DBT_PROFILES_DIR", raising=False)
    settings = load_settings({"DUCKDB_PATH": str(tmp_path / "w.duckdb")})
    with dbt_runner.dbt_process_environment(settings, DBT_TARGET_PATH="t") as environment:
        fallback = Path(environment["DBT_PROFILES_DIR"])
        assert (fallback / "profiles.yml").read_text() == "taxi_elt: {}\n"
        assert environment["DBT_TARGET_PATH"] == "t"
        assert environment["DUCKDB_PATH"] == str(tmp_path / "w.duckdb")
    assert not fallback.exists()
    monkeypatch.setenv("DBT_PROFILES_DIR", "/mine")
    with dbt_runner.dbt_process_environment(settings) as environment:
        assert environment["DBT_PROFILES_DIR"] == "/mine"
    monkeypatch.delenv("DBT_PROFILES_DIR")
    (tmp_path / "profiles.yml").write_text("taxi_elt: {}\n")
    with dbt_runner.dbt_process_environment(settings) as environment:
        assert "DBT_PROFILES_DIR" not in environment
