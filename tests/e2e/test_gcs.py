"""The production landing on Cloud Storage, for real on loopback (fake-gcs-server)."""

from __future__ import annotations

import gzip
import json

import pytest
from google.cloud import storage

from tests.conftest import GREEN_ROWS
from tests.support.http_server import serve_folder

GREEN_2021_01 = "landing/green/green_tripdata_2021-01.csv"


def bucket_objects(bucket: str) -> dict[str, storage.Blob]:
    client = storage.Client(project="test")
    # The run history (_runs/) is bookkeeping, not landed data.
    return {blob.name: blob for blob in client.list_blobs(bucket) if "/_runs/" not in blob.name}


@pytest.fixture
def gcs_workspace(workspace, gcs_bucket, gcs_server):
    workspace.gcs_env = {
        "LANDING_URI": f"gs://{gcs_bucket}/landing",
        "STORAGE_EMULATOR_HOST": gcs_server.url,
    }
    workspace.bucket = gcs_bucket
    return workspace


def test_lands_byte_identical_and_skips_an_identical_month(gcs_workspace, shared_tlc):
    ws = gcs_workspace
    run = ws.loader("load", "--taxi", "green", "--month", "2021-01", **ws.gcs_env)
    assert run.code == 0, run.stderr
    objects = bucket_objects(ws.bucket)
    assert sorted(objects) == ["landing/_manifest/green_tripdata_2021-01.json", GREEN_2021_01]
    landed = objects[GREEN_2021_01]
    source = gzip.decompress((shared_tlc / "green/green_tripdata_2021-01.csv.gz").read_bytes())
    assert landed.download_as_bytes() == source
    record = json.loads(objects["landing/_manifest/green_tripdata_2021-01.json"].download_as_text())
    assert record["rows"] == GREEN_ROWS["2021-01"]
    assert record["crc32c"] == landed.crc32c
    assert record["uri"] == f"gs://{ws.bucket}/{GREEN_2021_01}"

    again = ws.loader("load", "--taxi", "green", "--month", "2021-01", **ws.gcs_env)
    assert again.code == 0 and "unchanged" in again.stdout
    after = bucket_objects(ws.bucket)
    assert after[GREEN_2021_01].generation == landed.generation  # nothing uploaded
    assert sorted(after) == sorted(objects)  # no temporaries, no lock left behind


def test_upload_rejected_midway_leaves_nothing(gcs_workspace, shared_tlc, mirror):
    # A 20 MB month whose gzip is cut: a 32 MiB chunk is in flight when it ends.
    lines = []
    for month in ("2021-01", "2021-02", "2021-03"):
        text = gzip.decompress((shared_tlc / f"green/green_tripdata_{month}.csv.gz").read_bytes())
        lines.append(text if not lines else text.split(b"\n", 1)[1])
    packed = gzip.compress(b"".join(lines), compresslevel=1)
    (mirror / "green/green_tripdata_2021-01.csv.gz").write_bytes(packed[: len(packed) * 4 // 5])
    ws = gcs_workspace
    with serve_folder(mirror) as url:
        run = ws.loader(
            "load", "--taxi", "green", "--month", "2021-01", "--source-url", url, **ws.gcs_env
        )
    assert run.code == 1
    assert "truncated" in run.stderr and "nothing was landed" in run.stderr
    assert bucket_objects(ws.bucket) == {}


def test_duckdb_builds_from_the_gcs_landing(gcs_workspace):
    ws = gcs_workspace
    for month in ("2021-01", "2021-02"):
        assert ws.loader("load", "--taxi", "green", "--month", month, **ws.gcs_env).code == 0
    build = ws.dbt("build", **ws.gcs_env)
    assert build.code == 0, build.stdout[-3000:]
    assert ws.query("select count(*), count(distinct unique_row_id) from green_tripdata") == [
        (141_090, 141_090)
    ]
    assert ws.query("select filename, rows_read from merge_log order by 1") == [
        ("green_tripdata_2021-01.csv", 76_518),
        ("green_tripdata_2021-02.csv", 64_572),
    ]
    status = ws.loader("status", **ws.gcs_env)
    assert status.code == 0 and "2/2 reconciled" in status.stdout


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"GOOGLE_APPLICATION_CREDENTIALS": "/nonexistent/key.json"}, "does not exist"),
        ({"GCP_SERVICE_ACCOUNT": "bm90IGEga2V5"}, "GCP_SERVICE_ACCOUNT is not a usable"),
        ({"GOOGLE_APPLICATION_CREDENTIALS": ""}, "no Google credentials"),
    ],
)
def test_unusable_credentials_fail_before_any_download(workspace, env, message, tmp_path):
    plan_env = {
        "LANDING_URI": "gs://some-bucket/landing",
        "STORAGE_EMULATOR_HOST": "",
        "HOME": str(tmp_path),  # no gcloud application-default credentials here
        **env,
    }
    run = workspace.loader("load", "--taxi", "green", "--month", "2021-01", **plan_env)
    assert run.code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], run.stderr
    assert "Traceback" not in run.stderr
