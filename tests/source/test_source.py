"""The source: one attempt per call, one retry layer around it, Retry-After, probes, redaction."""

import time
from pathlib import Path

import pytest

from loader.config import load_settings
from loader.errors import NotPublishedError, SourceError, TransientSourceError
from loader.months import Month
from loader.source import Source, month_url, redact
from loader.source.retry import with_retries
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
    source = Source(
        load_settings(
            {"TLC_HTTP_BACKOFF": "0.01", "TLC_HTTP_TRIES": str(tries), "TLC_HTTP_TIMEOUT": "2"},
            source_url=url,
        )
    )
    source.tries = tries
    return source


def fetch_once(source: Source, validator: str | None = None) -> bytes | None:
    download = source.open(source.url_for(GREEN, MONTH), "f", if_validator=validator)
    if download is None:
        return None
    try:
        return b"".join(download.chunks)
    finally:
        download.close()


def fetch(source: Source, validator: str | None = None) -> bytes | None:
    """As the loader does: the whole download is the attempt the retry layer repeats."""
    return with_retries(source.tries, 0.01, lambda: fetch_once(source, validator))


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
    plan = Plan()
    with (
        serve_folder(folder, faulty_handler(plan)) as url,
        pytest.raises(NotPublishedError, match="HTTP 404"),
    ):
        with_retries(
            4, 0.01, lambda: source_for(url).open(month_url(url, GREEN, Month(2030, 1)), "f")
        )
    assert len(plan.requests) == 1  # final: never retried


def test_one_attempt_raises_transient_for_a_cut_body(folder):
    for action in (("reset", 5000), ("short", 5000)):
        plan = Plan(action)
        with (
            serve_folder(folder, faulty_handler(plan)) as url,
            pytest.raises(TransientSourceError, match="broke off"),
        ):
            fetch_once(source_for(url))
        assert len(plan.requests) == 1  # no retry below the one layer


def test_each_retry_says_what_and_when(folder, caplog):
    plan = Plan(("status", 503), ("reset", 5000))
    with serve_folder(folder, faulty_handler(plan)) as url, caplog.at_level("WARNING"):
        assert fetch(source_for(url)) == BODY
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 2, lines
    assert lines[0].startswith("retrying in ") and "(try 2 of 4): f: " in lines[0]
    assert "HTTP 503" in lines[0] and "broke off" in lines[1]


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
    with pytest.raises(
        SourceError, match="cannot reach .* after 2 tries; check the network"
    ) as error:
        fetch(source_for("http://127.0.0.1:9", tries=2))
    assert not isinstance(error.value, TransientSourceError)  # final: nothing above retries it


def test_probe_falls_back_to_a_ranged_get_where_head_is_refused(folder):
    plan = Plan(("status", 403), ("ok",), ("status", 405), ("status", 404))
    with serve_folder(folder, faulty_handler(plan)) as url:
        source = source_for(url)
        assert source.exists(source.url_for(GREEN, MONTH), "f") is True
        assert source.exists(source.url_for(GREEN, MONTH), "f") is False
    assert [method for method, _ in plan.requests] == ["HEAD", "GET", "HEAD", "GET"]


def test_redact_hides_credentials_and_tokens():
    assert redact("https://user:secret@host:8443/a/b.gz?sig=abc") == "https://host:8443/a/b.gz"


def test_error_text_never_carries_a_query_string():
    from loader.source.http import reason

    text = reason(
        Exception(
            "HTTPSConnectionPool(host='h', port=443): Max retries exceeded with url: "
            "/f.csv.gz?X-Amz-Signature=SECRET (Caused by NewConnectionError('https://h/f?sig=SECRET'))"
        )
    )
    assert "SECRET" not in text
