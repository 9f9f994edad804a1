"""Landing one month: byte-identical, idempotent, replaced whole, nothing left on failure."""

import errno
import gzip
import json
import os
import threading
from pathlib import Path

import pytest

from loader.config import load_settings
from loader.errors import LandingError, ValidationError
from loader.land import land_month
from loader.landing.local import LocalLanding
from loader.months import Month
from loader.source import Source
from loader.taxis import GREEN
from tests.support.http_server import Plan, faulty_handler, serve_folder

MONTH = Month(2021, 1)
HEADER = ",".join(GREEN.column_names)
ROW = ",2021-01-01 00:15:56,2021-01-01 00:19:52,,,43,151,,1.01,5.5,0.5,0.5,0,0,,0.3,6.8,,,"


def month_csv(rows: int, variant: str = "5.5") -> bytes:
    body = "".join(ROW.replace("5.5", variant) + "\r\n" for _ in range(rows))
    return (HEADER + "\r\n" + body).encode()


def publish(mirror: Path, data: bytes) -> Path:
    path = mirror / "green" / GREEN.source_name(MONTH)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(data))
    return path


def load(mirror_or_url, landing: Path, **kwargs):
    settings = load_settings(
        {"TLC_HTTP_BACKOFF": "0.01", "TLC_HTTP_TIMEOUT": "2"},
        source_url=str(mirror_or_url),
        landing_uri=str(landing),
    )
    source = Source(settings)
    try:
        return land_month(settings, LocalLanding(landing), source, GREEN, MONTH, **kwargs)
    finally:
        source.close()


def manifest(landing: Path) -> dict:
    return json.loads((landing / "_manifest/green_tripdata_2021-01.json").read_text())


def everything_in(landing: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(landing)): path.read_bytes()
        for path in landing.rglob("*")
        if path.is_file() and not {"_locks", "_runs"} & set(path.parts)
    }


def test_lands_byte_identical_with_a_manifest(tmp_path):
    data = month_csv(1000)
    publish(tmp_path / "mirror", data)
    result = load(tmp_path / "mirror", tmp_path / "lake")
    landed = tmp_path / "lake/green/green_tripdata_2021-01.csv"
    assert result.status == "landed" and result.rows == 1000
    assert landed.read_bytes() == data
    record = manifest(tmp_path / "lake")
    assert record["rows"] == 1000
    assert record["bytes_uncompressed"] == len(data)
    source = tmp_path / "mirror/green/green_tripdata_2021-01.csv.gz"
    assert record["bytes_compressed"] == source.stat().st_size
    assert record["landed_at"].endswith("Z") and record["previous_crc32c"] is None
    assert sorted(everything_in(tmp_path / "lake")) == [
        "_manifest/green_tripdata_2021-01.json",
        "green/green_tripdata_2021-01.csv",
    ]  # no temporary left beside it


def test_identical_content_is_skipped_and_changed_content_replaces(tmp_path):
    mirror, lake = tmp_path / "mirror", tmp_path / "lake"
    publish(mirror, month_csv(10))
    assert load(mirror, lake).status == "landed"
    first = manifest(lake)
    assert load(mirror, lake).status == "unchanged"
    assert load(mirror, lake, force=True).status == "unchanged"
    publish(mirror, month_csv(12, variant="6.5"))
    replaced = load(mirror, lake)
    assert replaced.status == "replaced" and replaced.rows == 12
    record = manifest(lake)
    assert record["previous_rows"] == 10
    assert record["previous_crc32c"] != record["crc32c"]
    assert record["previous_landed_at"] == first["landed_at"]
    assert record["previous_crc32c"] == first["crc32c"]
    assert (lake / "green/green_tripdata_2021-01.csv").read_bytes() == month_csv(12, "6.5")


def test_a_validator_is_sent_only_to_the_source_that_issued_it(tmp_path):
    """After the demo, a real load of a demo month sent the demo file's Last-Modified to the
    real source, got 304 and kept the synthetic data. Another source means a fresh download
    and a comparison by content; the source's own validator is used from then on."""
    demo, real, lake = tmp_path / "demo", tmp_path / "real", tmp_path / "lake"
    publish(demo, month_csv(10))
    older = publish(real, month_csv(12, variant="6.5"))
    os.utime(older, (1_600_000_000, 1_600_000_000))  # a 304 to the demo file's date
    same = publish(tmp_path / "same", month_csv(12, variant="6.5"))
    os.utime(same, (1_500_000_000, 1_500_000_000))
    with serve_folder(demo) as demo_url, serve_folder(real) as real_url:
        assert load(demo_url, lake).status == "landed"
        replaced = load(real_url, lake)
        assert replaced.status == "replaced" and replaced.rows == 12
        assert manifest(lake)["source_url"].startswith(real_url + "/green/")
        assert manifest(lake)["previous_rows"] == 10
        assert load(real_url, lake).status == "unchanged"
        with serve_folder(tmp_path / "same") as same_url:
            # Same bytes from a third source: compared by content, then its validator kept.
            assert load(same_url, lake).status == "unchanged"
            record = manifest(lake)
            assert record["source_url"].startswith(same_url + "/green/")
            assert record["source_validator"] == "Fri, 14 Jul 2017 02:40:00 GMT"
    assert (lake / "green/green_tripdata_2021-01.csv").read_bytes() == month_csv(12, "6.5")


def test_a_deleted_landed_file_is_repaired(tmp_path):
    mirror, lake = tmp_path / "mirror", tmp_path / "lake"
    publish(mirror, month_csv(10))
    load(mirror, lake)
    (lake / "green/green_tripdata_2021-01.csv").unlink()
    assert load(mirror, lake).status == "repaired"
    assert (lake / "green/green_tripdata_2021-01.csv").read_bytes() == month_csv(10)


def test_rejected_file_leaves_earlier_landing_intact(tmp_path):
    mirror, lake = tmp_path / "mirror", tmp_path / "lake"
    publish(mirror, month_csv(100))
    load(mirror, lake)
    before = everything_in(lake)
    packed = gzip.compress(month_csv(200, variant="7.5"))
    (mirror / "green" / GREEN.source_name(MONTH)).write_bytes(packed[: len(packed) // 2])
    with pytest.raises(ValidationError, match="truncated; .*nothing was landed"):
        load(mirror, lake, force=True)
    assert everything_in(lake) == before


def test_first_landing_rejected_leaves_nothing(tmp_path):
    mirror, lake = tmp_path / "mirror", tmp_path / "lake"
    publish(mirror, month_csv(100)[:-30])  # last row cut
    with pytest.raises(ValidationError, match="incomplete row"):
        load(mirror, lake)
    assert everything_in(lake) == {}


def test_connection_reset_once_is_retried_whole(tmp_path):
    mirror, lake = tmp_path / "mirror", tmp_path / "lake"
    data = month_csv(20_000)
    publish(mirror, data)
    assert len(gzip.compress(data)) > 2_000
    plan = Plan(("reset", 1_000))
    with serve_folder(mirror, faulty_handler(plan)) as url:
        result = load(url, lake)
    assert result.rows == 20_000 and len(plan.requests) == 2
    assert (lake / "green/green_tripdata_2021-01.csv").read_bytes() == data


def test_concurrent_loads_of_one_month_take_turns(tmp_path):
    mirror, lake = tmp_path / "mirror", tmp_path / "lake"
    publish(mirror, month_csv(50_000))
    results, errors = [], []

    def run():
        try:
            results.append(load(mirror, lake).status)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(results) == ["landed", "unchanged", "unchanged"]
    assert manifest(lake)["rows"] == 50_000


def test_a_failed_commit_removes_its_temporary(tmp_path, monkeypatch):
    mirror, lake = tmp_path / "mirror", tmp_path / "lake"
    publish(mirror, month_csv(100))

    def full(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(LandingError, match="the landing folder is full"):
        load(mirror, lake)
    monkeypatch.undo()
    assert everything_in(lake) == {}


def test_a_taxi_folder_on_another_file_system_still_publishes(tmp_path):
    """The temporary sits beside its final name, so a symlinked folder never needs a rename
    across file systems (os.replace would fail with EXDEV)."""
    mirror, lake = tmp_path / "mirror", tmp_path / "lake"
    elsewhere = tmp_path / "bigger-disk" / "green"
    elsewhere.mkdir(parents=True)
    lake.mkdir()
    (lake / "green").symlink_to(elsewhere)
    publish(mirror, month_csv(100))
    real_replace = os.replace

    def replace_within_one_folder(source, target):
        if Path(source).resolve().parent != Path(target).resolve().parent:
            raise OSError(errno.EXDEV, "Invalid cross-device link")
        real_replace(source, target)

    os.replace = replace_within_one_folder
    try:
        assert load(mirror, lake).status == "landed"
    finally:
        os.replace = real_replace
    assert (elsewhere / "green_tripdata_2021-01.csv").read_bytes() == month_csv(100)
    assert [path.name for path in elsewhere.iterdir()] == ["green_tripdata_2021-01.csv"]
