"""What the loader prints: one line per file, a progress bar on a terminal, errors as one line."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

from loader.load import LoadResult


def megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def result_line(result: LoadResult) -> str:
    if result.status == "unchanged":
        return (
            f"unchanged  {result.file:<30} {result.rows:>11,} rows  already landed with "
            "identical content, skipped"
        )
    return (
        f"{result.status:<10} {result.file:<30} {result.rows:>11,} rows  "
        f"{megabytes(result.bytes_compressed)} gz -> {megabytes(result.bytes_uncompressed)} csv  "
        f"{result.seconds:6.2f} s  {result.throughput_mb_s:7.1f} MB/s"
    )


@contextmanager
def progress_bars() -> Iterator[Callable[[str], Callable]]:
    """Yields make_bar(label) -> (total -> advance). Bars only when stderr is a terminal."""
    show = sys.stderr.isatty()
    bars: list[tqdm] = []

    def make_bar(label: str) -> Callable[[int | None], Callable[[int], None]]:
        def start(total: int | None) -> Callable[[int], None]:
            if not show:
                return lambda _: None
            bar = tqdm(
                total=total,
                desc=label,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                leave=False,
                file=sys.stderr,
            )
            bars.append(bar)
            return bar.update

        return start

    try:
        yield make_bar
    finally:
        for bar in bars:
            bar.close()
