"""Timing helpers: run a command several times, take the median wall time and peak RSS."""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

RUNS = 3


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_rss_mb: float


def run_timed(
    command: list[str], *, env: Mapping[str, str] | None = None, cwd: Path | None = None
) -> Sample:
    """Wall time and peak RSS (GNU time) of one run; raises if the command fails."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        started = time.perf_counter()
        completed = subprocess.run(
            ["/usr/bin/time", "-f", "%M", "-o", report.name, *command],
            env={**os.environ, **(env or {})},
            cwd=cwd,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        if completed.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)[:120]} failed:\n{completed.stdout[-2000:]}\n"
                f"{completed.stderr[-2000:]}"
            )
        kilobytes = int(report.read().strip().splitlines()[-1])
    return Sample(seconds, kilobytes / 1024)


def median_of(measure: Callable[[], Sample], runs: int = RUNS, before=None) -> Sample:
    samples = []
    for _ in range(runs):
        if before is not None:
            before()
        samples.append(measure())
    return Sample(
        statistics.median(sample.seconds for sample in samples),
        statistics.median(sample.peak_rss_mb for sample in samples),
    )


def timed(action: Callable[[], object]) -> Sample:
    started = time.perf_counter()
    action()
    return Sample(time.perf_counter() - started, 0.0)
