"""What the commands print: one line per file, progress bars on a terminal, one line per error.

Result lines go to stdout and errors to stderr; on a terminal each file being downloaded has a
bar of its own that closes when the file is done, a run of several files has an overall bar,
and lines are written through tqdm so they never collide with a bar.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from tqdm import tqdm

if TYPE_CHECKING:
    from loader.results import Failure, LoadResult


def megabytes(size: int) -> str:
    return f"{size / 1e6:,.1f} MB"


def result_line(result: LoadResult) -> str:
    if result.status == "unchanged":
        return (
            f"unchanged  {result.file:<30} {result.rows:>11,} rows  already landed with "
            "identical content, skipped"
        )
    kinds = ("parquet", "parquet") if result.file.endswith(".parquet") else ("gz", "csv")
    return (
        f"{result.status:<10} {result.file:<30} {result.rows:>11,} rows  "
        f"{megabytes(result.bytes_compressed)} {kinds[0]} -> "
        f"{megabytes(result.bytes_uncompressed)} {kinds[1]}  "
        f"{result.seconds:6.2f} s  {result.throughput_mb_s:7.1f} MB/s"
    )


def failure_line(failure: Failure) -> str:
    return f"failed     {failure.taxi} {failure.month}: {failure.reason}"


def report_failures(console: Console, failures: list[Failure], total: int) -> None:
    """After a run of several files: how many failed, then each with its reason."""
    if failures:
        console.error(f"error: {len(failures)} of {total} files failed:")
        for failure in failures:
            console.error(f"  {failure.taxi} {failure.month}: {failure.reason}")


class FileBar:
    """`bar(total)` starts it (the size, if known) and returns the advance function."""

    def __init__(self, console: Console, name: str) -> None:
        self._console = console
        self._name = name
        self._bar: tqdm | None = None

    def __call__(self, total: int | None) -> Callable[[int], None]:
        if not self._console.bars:
            return lambda _: None
        if self._bar is not None:  # a retry starts the file again
            self._bar.reset(total)
        else:
            self._bar = tqdm(
                total=total,
                desc=self._name,
                unit="B",
                unit_scale=True,
                unit_divisor=1024,
                leave=False,
                file=sys.stderr,
                dynamic_ncols=True,
            )
        return self._bar.update

    def close(self) -> None:
        if self._bar is not None:
            with self._console.lock:
                self._bar.close()


class Console:
    """Shared by the threads of a run: lines and bars never interleave mid-line."""

    def __init__(
        self,
        files: int = 1,
        *,
        bars: bool | None = None,
        quiet: bool = False,
        failure_lines: bool = True,
    ) -> None:
        self.bars = sys.stderr.isatty() if bars is None else bars
        self.quiet = quiet  # --json: the summary is the only output on stdout
        self.failure_lines = failure_lines  # off when the caller reports the one failure itself
        self.lock = threading.RLock()
        self._overall = (
            tqdm(total=files, unit="file", desc="files", file=sys.stderr, dynamic_ncols=True)
            if self.bars and files > 1
            else None
        )

    def file_bar(self, name: str) -> FileBar:
        return FileBar(self, name)

    def line(self, text: str, *, stream: TextIO | None = None) -> None:
        stream = stream or sys.stdout
        with self.lock:
            if self.bars:
                tqdm.write(text, file=stream)
            else:
                print(text, file=stream, flush=True)

    def error(self, text: str) -> None:
        self.line(text, stream=sys.stderr)

    def landed(self, result: LoadResult) -> None:
        if not self.quiet:
            self.line(result_line(result))
        self._advance()

    def failed(self, failure: Failure) -> None:
        if self.failure_lines:
            self.error(failure_line(failure))
        self._advance()

    def _advance(self) -> None:
        if self._overall is not None:
            with self.lock:
                self._overall.update(1)

    def close(self) -> None:
        if self._overall is not None:
            with self.lock:
                self._overall.close()
                self._overall = None

    def __enter__(self) -> Console:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
