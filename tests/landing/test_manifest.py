import json

import pytest

from loader.landing.layout import manifest_relpath
from loader.landing.manifest import ManifestError, ManifestRecord, utc_now
from loader.months import Month
from loader.taxis import YELLOW

RECORD = ManifestRecord(
    taxi="yellow",
    month="2021-03",
    file="yellow_tripdata_2021-03.csv",
    uri="gs://bucket/landing/yellow/yellow_tripdata_2021-03.csv",
    source_url="https://host/yellow/yellow_tripdata_2021-03.csv.gz",
    source_validator='"etag-1"',
    bytes_compressed=40_000_000,
    bytes_uncompressed=180_000_000,
    rows=1_925_152,
    crc32c="AAAAAA==",
    landed_at=utc_now(),
)


def test_one_line_of_json_that_round_trips():
    text = RECORD.to_json()
    assert text.endswith("\n") and text.count("\n") == 1
    assert ManifestRecord.from_json(text) == RECORD
    assert json.loads(text)["rows"] == 1_925_152


def test_unknown_fields_from_a_newer_loader_are_ignored():
    data = json.loads(RECORD.to_json())
    data["added_later"] = 1
    assert ManifestRecord.from_json(json.dumps(data)) == RECORD


def test_path_and_timestamp_format():
    assert manifest_relpath(YELLOW, Month(2021, 3)) == "_manifest/yellow_tripdata_2021-03.json"
    assert len(RECORD.landed_at) == len("2026-01-01T00:00:00.000000Z")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"file": "../../etc/passwd"}, "does not match"),
        ({"file": "yellow_tripdata_2021-03.csv'; drop table x; --"}, "does not match"),
        ({"taxi": "purple"}, "unknown taxi"),
        ({"month": "2021-13"}, "01 to 12"),
        ({"crc32c": "' or 1=1 --"}, "crc32c"),
        ({"md5": "D41D8CD98F00B204E9800998ECF8427E"}, "md5 is not a hex MD5"),
        ({"md5": "d41d8cd98f00b204e9800998ecf8427e' --"}, "md5 is not a hex MD5"),
        ({"rows": -1}, "rows is not a count"),
        ({"rows": "many"}, "rows is not a count"),
        ({"landed_at": "yesterday"}, "does not match format"),
    ],
)
def test_a_forged_record_is_refused(change, message):
    data = {**json.loads(RECORD.to_json()), **change}
    with pytest.raises(ManifestError, match=message):
        ManifestRecord.from_json(json.dumps(data), "gs://b/_manifest/x.json")


def test_garbage_is_refused_with_the_place_and_the_remedy():
    with pytest.raises(ManifestError, match=r"gs://b/m\.json is malformed .* purge"):
        ManifestRecord.from_json("{not json", "gs://b/m.json")
