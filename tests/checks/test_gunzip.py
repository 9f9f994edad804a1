import gzip
import zlib

import pytest

from loader.checks.gunzip import Gunzip
from loader.errors import ValidationError

PAYLOAD = b"VendorID,x\r\n" + b"1,2\r\n" * 50_000


def inflate(data: bytes, chunk: int = 65_536) -> bytes:
    gunzip = Gunzip("f.csv.gz")
    out = bytearray()
    for start in range(0, len(data), chunk):
        for piece in gunzip.feed(data[start : start + chunk]):
            out += piece
    gunzip.finish()
    return bytes(out)


@pytest.mark.parametrize("chunk", [1, 7, 1000, 1 << 20])
def test_round_trip_in_any_chunking(chunk):
    data = gzip.compress(PAYLOAD)
    if chunk == 1:
        data = gzip.compress(PAYLOAD[:3000])
        assert inflate(data, chunk) == PAYLOAD[:3000]
    else:
        assert inflate(data, chunk) == PAYLOAD


def test_multi_member_and_zero_padding():
    data = gzip.compress(PAYLOAD[:100]) + gzip.compress(PAYLOAD[100:]) + b"\x00" * 512
    assert inflate(data, 333) == PAYLOAD


def test_truncated_stream_is_rejected():
    data = gzip.compress(PAYLOAD)
    with pytest.raises(ValidationError, match="ends before its gzip trailer"):
        inflate(data[: len(data) // 2])


def test_truncated_by_eight_bytes_is_rejected():
    data = gzip.compress(PAYLOAD)
    with pytest.raises(ValidationError, match="ends before its gzip trailer"):
        inflate(data[:-8])


def test_bad_crc_is_rejected():
    data = bytearray(gzip.compress(PAYLOAD))
    data[-8] ^= 0xFF  # the CRC-32 in the trailer
    with pytest.raises(ValidationError, match="corrupt gzip"):
        inflate(bytes(data))


def test_bad_length_is_rejected():
    data = bytearray(gzip.compress(PAYLOAD))
    data[-1] ^= 0x01  # ISIZE
    with pytest.raises(ValidationError, match="corrupt gzip"):
        inflate(bytes(data))


def test_html_page_is_named_as_such():
    with pytest.raises(ValidationError, match="HTML"):
        inflate(b"\n\n<!DOCTYPE html>\n<html><body>Sign in</body></html>")


def test_plain_csv_is_named_as_such():
    with pytest.raises(ValidationError, match="plain CSV"):
        inflate(PAYLOAD[:200])


def test_empty_body_and_empty_gzip():
    with pytest.raises(ValidationError, match="empty"):
        inflate(b"")
    assert inflate(gzip.compress(b"")) == b""  # valid gzip; the CSV check rejects it


def test_garbage_after_the_stream_is_rejected():
    with pytest.raises(ValidationError, match="non-gzip data"):
        inflate(gzip.compress(PAYLOAD) + b"<html>")


def test_output_pieces_stay_bounded():
    bomb = zlib.compress(b"\0" * (64 << 20), 9)
    data = gzip.compress(b"\0" * (64 << 20))
    gunzip = Gunzip("bomb.gz")
    largest = max(len(piece) for piece in gunzip.feed(data))
    assert largest <= 8 << 20
    assert len(bomb) < 1 << 20
