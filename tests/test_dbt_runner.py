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
