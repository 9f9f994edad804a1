"""Headless Chromium for the report's and the Dagster UI's tests: a screenshot and the rendered
DOM of a page (a file, or a web app's URL)."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

WINDOW = (1280, 2000)


def chromium() -> str:
    """The binary; absent, the test fails (not skips): `make test` installs it."""
    binary = shutil.which("chromium")
    if binary is None:
        pytest.fail(
            "chromium is not installed: `make test` installs it (its `chromium` target, "
            "apt-get install chromium); run `make chromium` once, then this test"
        )
    return binary


def _run(
    page: Path | str, profile: Path, *mode: str, window: tuple[int, int] = WINDOW
) -> subprocess.CompletedProcess:
    """A file, or an http URL: a web app gets 20 s of virtual time to render."""
    width, height = window
    address = page if isinstance(page, str) else page.resolve().as_uri()
    wait = ["--virtual-time-budget=20000"] if isinstance(page, str) else []
    return subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            *wait,
            *mode,
            address,
        ],
        capture_output=True,
        timeout=120,
        check=False,
    )


def screenshot(page: Path | str, folder: Path, window: tuple[int, int] = WINDOW) -> Path:
    target = folder / "page.png"
    run = _run(page, folder / "chromium-profile", f"--screenshot={target}", window=window)
    assert run.returncode == 0 and target.exists(), run.stderr.decode(errors="replace")[-2000:]
    return target


def dump_dom(page: Path | str, folder: Path) -> str:
    """The DOM after Chromium parsed and laid out the page, serialized (--dump-dom)."""
    run = _run(page, folder / "chromium-profile", "--dump-dom")
    assert run.returncode == 0, run.stderr.decode(errors="replace")[-2000:]
    return run.stdout.decode()


def render(page: Path | str, folder: Path, window: tuple[int, int] = WINDOW) -> tuple[str, Path]:
    """The DOM after rendering and a screenshot of it, from one Chromium run."""
    target = folder / "page.png"
    run = _run(
        page, folder / "chromium-profile", f"--screenshot={target}", "--dump-dom", window=window
    )
    assert run.returncode == 0 and target.exists(), run.stderr.decode(errors="replace")[-2000:]
    return run.stdout.decode(), target


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (after checking the signature)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height
