"""Run a streaming check on a thread of its own, fed through a small bounded queue.

The value scan releases the GIL, and so does the gunzip before it: with the check on its own
thread the two overlap on two cores, and the landing costs about what the gunzip costs.
Memory stays bounded: at most `depth` pieces (each at most 8 MiB) wait for the check.
"""

from __future__ import annotations

import queue
import threading
from typing import Protocol


class StreamCheck(Protocol):
    def feed(self, data: bytes) -> None: ...
    def finish(self) -> None: ...


class InBackground:
    """feed() hands a piece over; finish() waits for the check and raises what it raised."""

    def __init__(self, check: StreamCheck, depth: int = 2) -> None:
        self._check = check
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=depth)
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="check", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while (piece := self._queue.get()) is not None:
                self._check.feed(piece)
        except BaseException as error:  # whatever it is, the producer must hear of it
            self._failure = error
            while self._queue.get() is not None:  # keep taking pieces: the producer never blocks
                pass

    def feed(self, data: bytes) -> None:
        if self._failure is not None:
            raise self._failure
        self._queue.put(data)

    def finish(self) -> None:
        self.close()
        if self._failure is not None:
            raise self._failure
        self._check.finish()

    def close(self) -> None:
        """Stop the thread (idempotent); what was not checked yet is dropped."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
