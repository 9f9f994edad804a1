"""The check's own thread: every piece checked in order, its error raised, nothing left running."""

import threading

import pytest

from loader.checks.background import InBackground


class Recorder:
    def __init__(self, fail_at: int | None = None) -> None:
        self.pieces: list[bytes] = []
        self.finished = False
        self.fail_at = fail_at

    def feed(self, data: bytes) -> None:
        if self.fail_at is not None and len(self.pieces) == self.fail_at:
            raise ValueError("bad piece")
        self.pieces.append(data)

    def finish(self) -> None:
        self.finished = True


def test_pieces_arrive_in_order_and_finish_runs_last():
    check = Recorder()
    background = InBackground(check)
    for number in range(100):
        background.feed(str(number).encode())
    background.finish()
    assert check.pieces == [str(number).encode() for number in range(100)] and check.finished


def test_the_checks_error_reaches_the_producer_who_never_blocks():
    check = Recorder(fail_at=3)
    background = InBackground(check, depth=1)
    with pytest.raises(ValueError, match="bad piece"):
        for number in range(1000):  # would block forever if the thread stopped taking pieces
            background.feed(str(number).encode())
        background.finish()
    background.close()
    assert not check.finished and check.pieces == [b"0", b"1", b"2"]
    assert not any(thread.name == "check" for thread in threading.enumerate())


def test_close_is_idempotent_and_stops_the_thread():
    background = InBackground(Recorder())
    background.feed(b"x")
    background.close()
    background.close()
    assert not any(thread.name == "check" for thread in threading.enumerate())
