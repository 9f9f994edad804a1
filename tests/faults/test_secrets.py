"""A service-account key in the environment never shows up in output, logs or the landing."""

from __future__ import annotations

import base64

import pytest

from tests.support.service_account import fake_service_account, leaks


@pytest.fixture(scope="module")
def fake_key() -> dict:
    return fake_service_account()


def load_to_real_gcs(workspace, **env):
    """A load to a gs:// landing with no emulator: the credentials in `env` are used."""
    return workspace.loader(
        "load",
        "--taxi",
        "green",
        "--month",
        "2021-01",
        "--debug",
        LANDING_URI="gs://secret-test-bucket/landing",
        STORAGE_EMULATOR_HOST="",
        **env,
    )


def test_no_command_leaks_the_key(workspace, fake_key, tmp_path):
    env = {"GCP_SERVICE_ACCOUNT": fake_key["encoded"], "HOME": str(tmp_path)}
    runs = {
        "load to GCS, no access token": load_to_real_gcs(workspace, **env),
        "load a month that does not exist": workspace.loader(
            "load", "--taxi", "green", "--month", "2019-06", "--debug", **env
        ),
        "backfill and build": workspace.loader(
            "backfill",
            "--from",
            "2021-01",
            "--to",
            "2021-01",
            "--taxi",
            "green",
            "--debug",
            **env,
        ),
        "status": workspace.loader("status", "--debug", **env),
        "status --json": workspace.loader("status", "--json", "--debug", **env),
    }
    refused = runs["load to GCS, no access token"]
    assert refused.code == 1 and "cannot get a Google access token" in refused.stderr
    assert runs["backfill and build"].code == 0, runs["backfill and build"].stderr
    for name, run in runs.items():
        assert leaks(run.stdout + run.stderr, fake_key) == [], name
    for path in workspace.root.rglob("*"):  # logs, dbt target, landing, manifest, DuckDB
        if path.is_file():
            text = path.read_bytes().decode("utf-8", errors="replace")
            assert leaks(text, fake_key) == [], path
    assert (workspace.landing / "_manifest/green_tripdata_2021-01.json").exists()


def test_a_malformed_key_is_refused_without_echoing_it(workspace, tmp_path):
    not_a_key = base64.b64encode(b'{"type": "service_account", "private_key": "OOPS-SECRET"}')
    run = load_to_real_gcs(workspace, GCP_SERVICE_ACCOUNT=not_a_key.decode(), HOME=str(tmp_path))
    assert run.code == 2
    assert "GCP_SERVICE_ACCOUNT is not a usable service-account key" in run.stderr
    assert "OOPS-SECRET" not in run.stdout + run.stderr
