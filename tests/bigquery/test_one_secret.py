"""GCP_SERVICE_ACCOUNT, the loader's base64 secret, authenticates dbt-bigquery too: the
project's own profile (profiles.example.yml, what `make setup` copies) decodes it in memory,
dbt signs its token request with the key, and nothing of the key is written anywhere."""

from __future__ import annotations

import shutil

from tests.bigquery.conftest import PROJECT
from tests.bigquery.emulator import PROJECT_ROOT
from tests.support.service_account import fake_service_account, leaks, token_endpoint


def test_dbt_debug_on_bigquery_with_the_loaders_secret(bq_lane, tmp_path):
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    shutil.copy(PROJECT_ROOT / "profiles.example.yml", profiles / "profiles.yml")
    with token_endpoint() as (token_uri, claims):
        key = fake_service_account(token_uri)
        env = {
            "DBT_PROFILES_DIR": str(profiles),
            "DBT_LOG_PATH": str(tmp_path / "logs"),
            "DBT_TARGET_PATH": str(tmp_path / "target"),
            "GCP_SERVICE_ACCOUNT": key["encoded"],
        }
        debug = bq_lane.run(str(PROJECT_ROOT / ".venv" / "bin" / "dbt"), "debug", **env)
    output = debug.stdout + debug.stderr
    assert debug.returncode == 0, output[-4000:]
    assert "method: service-account-json" in output
    assert f"database: {PROJECT}" in output
    assert "Connection test: [OK connection ok]" in output.replace("\x1b[32m", "").replace(
        "\x1b[0m", ""
    )
    # dbt asked the key's token endpoint, signed as the key's account: the secret reached it.
    assert claims and {claim.get("iss") for claim in claims} == {key["info"]["client_email"]}
    assert leaks(output, key) == []
    for path in tmp_path.rglob("*"):
        if path.is_file() and path.parent != profiles:
            assert leaks(path.read_bytes().decode("utf-8", "replace"), key) == [], path
