"""Changes behind our back: a landed file edited, the manifest forged; both are reported."""

from __future__ import annotations

import json


def land_and_build(workspace):
    for month in ("2021-01", "2021-02"):
        assert workspace.loader("load", "--taxi", "green", "--month", month).code == 0
    build = workspace.dbt("build")
    assert build.code == 0, build.stdout[-2000:]


def test_a_landed_file_changed_behind_our_back(workspace):
    land_and_build(workspace)
    landed = workspace.landing / "green/green_tripdata_2021-02.csv"
    original = landed.read_bytes()

    # A row appended: the size differs. status and the dbt reconciliation test both say so.
    landed.write_bytes(original + original.splitlines(keepends=True)[-1])
    status = workspace.loader("status")
    assert status.code == 1
    assert "2021-02" in status.stdout and "changed since it was landed" in status.stdout
    test = workspace.dbt("test", "--select", "test_name:tlc_reconciles")
    assert test.code == 1 and "FAIL 1" in test.stdout

    # One digit changed, same size: only a content check sees it (status --verify).
    edited = bytearray(original)
    position = edited.rindex(b"2021-02-")  # a digit of the last row's dropoff time
    edited[position + 9] = ord("8") if edited[position + 9] != ord("8") else ord("7")
    landed.write_bytes(bytes(edited))
    assert workspace.loader("status").code == 0  # size and row counts still agree
    verify = workspace.loader("status", "--verify")
    assert verify.code == 1 and "content changed since it was landed" in verify.stdout

    # Loading the month again with --force restores it; everything reconciles again.
    repair = workspace.loader("load", "--taxi", "green", "--month", "2021-02", "--force")
    assert repair.code == 0 and "repaired" in repair.stdout, repair.stdout + repair.stderr
    assert landed.read_bytes() == original
    assert workspace.loader("status", "--verify").code == 0
    assert workspace.dbt("build").code == 0


def test_a_forged_manifest_record_cannot_reach_sql(workspace):
    land_and_build(workspace)
    record_path = workspace.landing / "_manifest/green_tripdata_2021-02.json"
    record = json.loads(record_path.read_text())
    record["file"] = "green_tripdata_2021-02.csv'); drop table green_tripdata; --"
    record["crc32c"] = "AAAAAA=="
    record_path.write_text(json.dumps(record) + "\n")
    build = workspace.dbt("build")
    assert build.code == 1
    assert "the manifest has an unexpected record" in build.stdout
    assert workspace.query("select count(*) from green_tripdata") == [(141_090,)]
