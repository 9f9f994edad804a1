import time
from pathlib import Path

import pytest

from loader.config import load_settings
from loader.errors import NotPublishedError, SourceError, TransientSourceError
from loader.months import Month
from loader.source import Source, month_url, redact
from loader.taxis import GREEN
from tests.support.http_server import Plan, faulty_handler, serve_folder

MONTH = Month(2021, 1)
BODY = b"\x1f\x8b" + b"x" * 100_000


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "green").mkdir()
    (tmp_path / "green" / GREEN.source_name(MONTH)).write_bytes(BODY)
    return tmp_path


def source_for(url: str, tries: int = 4) -> Source:
    return Source(
        load_settings(
            {"TLC_HTTP_BACKOFF": "0.01", "TLC_HTTP_TRIES": str(tries), "TLC_HTTP_TIMEOUT": "2"},
            source_url=url,
        )
    )


def fetch(source: Source, validator: str | None = None) -> bytes | None:
    download = source.open(source.url_for(GREEN, MONTH), "f", if_validator=validator)
    if download is None:
        return None
    try:
        return b"".join(download.chunks)
    finally:
        download.close()


def test_month_url_layout():
    assert (
        month_url("https://x/releases/download", GREEN, MONTH)
        == "https://x/releases/download/green/green_tripdata_2021-01.csv.gz"
    )


def test_retries_5xx_then_succeeds(folder):
    plan = Plan(("status", 500), ("status", 502), ("status", 503))
    with serve_folder(folder, faulty_handler(plan)) as url:
        assert fetch(source_for(url)) == BODY
    assert len(plan.requests) == 4


def test_honours_retry_after(folder):
    plan = Plan(("status", 429, "1"))
    with serve_folder(folder, faulty_handler(plan)) as url:
        started = time.monotonic()
        assert fetch(source_for(url)) == BODY
        assert time.monotonic() - started >= 0.9
    assert len(plan.requests) == 2


def test_gives_up_after_bounded_tries(folder):
    plan = Plan(*[("status", 503)] * 10)
    with serve_folder(folder, faulty_handler(plan)) as url, pytest.raises(SourceError) as error:
        fetch(source_for(url, tries=3))
    assert len(plan.requests) == 3
    assert "503" in str(error.value) and "try again later" in str(error.value)


def test_404_is_not_published(folder):
    with serve_folder(folder) as url, pytest.raises(NotPublishedError, match="HTTP 404"):
        source_for(url).open(month_url(url, GREEN, Month(2030, 1)), "f")


def test_body_cut_off_is_transient(folder):
    plan = Plan(("reset", 5000))
    with serve_folder(folder, faulty_handler(plan)) as url, pytest.raises(TransientSourceError):
        fetch(source_for(url))


def test_short_body_is_transient(folder):
    plan = Plan(("short", 5000))
    with serve_folder(folder, faulty_handler(plan)) as url, pytest.raises(TransientSourceError):
        fetch(source_for(url))


def test_conditional_get_answers_not_modified(folder):
    with serve_folder(folder) as url:
        source = source_for(url)
        download = source.open(source.url_for(GREEN, MONTH), "f")
        validator = download.validator
        download.close()
        assert validator
        assert fetch(source, validator) is None


def test_local_folder_and_file_url(folder):
    assert fetch(source_for(str(folder))) == BODY
    assert fetch(source_for(f"file://{folder}")) == BODY
    with pytest.raises(NotPublishedError, match="not in the source folder"):
        source_for(str(folder)).open(month_url(str(folder), GREEN, Month(2030, 1)), "f")


def test_unreachable_host_fails_after_the_connection_retries():
    with pytest.raises(SourceError, match="cannot reach .* after 2 tries") as error:
        fetch(source_for("http://127.0.0.1:9", tries=2))
    assert not isinstance(error.value, TransientSourceError)  # not retried a second time


def test_redact_hides_credentials_and_tokens():
    assert redact("https://user:secret@host:8443/a/b.gz?sig=abc") == "https://host:8443/a/b.gz"


def test_error_text_never_carries_a_query_string():
    from loader.source import _reason

    text = _reason(
        Exception(
            "HTTPSConnectionPool(host='h', port=443): Max retries exceeded with url: "
            "/f.csv.gz?X-Amz-Signature=SECRET (Caused by NewConnectionError('https://h/f?sig=SECRET'))"
        )
    )
    assert "SECRET" not in text
