"""What landing a file comes to: a result per file landed or skipped, a failure per file not.

Plain data, read by the landing (which makes them), the console (which prints them), the run
history and the build step; it imports nothing of theirs.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LoadResult:
    taxi: str
    month: str
    file: str
    status: str  # landed | replaced | repaired | unchanged
    rows: int
    bytes_compressed: int
    bytes_uncompressed: int
    seconds: float
    uri: str

    @property
    def throughput_mb_s(self) -> float:
        return self.bytes_uncompressed / 1e6 / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class Failure:
    taxi: str
    month: str
    reason: str
