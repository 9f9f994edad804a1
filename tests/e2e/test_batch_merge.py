"""A batch merged file by file ends where month-by-month builds end, where a full refresh ends,
and where a plain-Python dedupe of the same CSV text ends: the same rows under the same keys
and file names, and the same merge_log. The months carry duplicates within a file (the
generator's) and across files (each month's file repeats rows of the month before), so every
path through the dedupe is taken."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

from loader.months import Month
from loader.sample_data import write_month
from loader.taxis import GREEN
from tests.conftest import PROJECT_ROOT, Workspace
from tests.support.http_server import serve_folder
from tests.support.keys import unique_row_id

MONTHS = [Month(2021, 1), Month(2021, 2), Month(2021, 3)]
ROWS = 4_000
CARRIED = 60  # rows of each month that the next month's file repeats
MERGE_ONLY = ("--select", "green_tripdata", "--indirect-selection", "cautious")


def publish(mirror: Path) -> list[list[str]]:
    """The three months' data lines, as published: each file repeats rows of the one before."""
    published: list[list[str]] = []
    for seed, month in enumerate(MONTHS, start=11):
        path = write_month(mirror, GREEN, month, ROWS, seed)
        header, *lines = gzip.decompress(path.read_bytes()).decode().split(GREEN.line_ending)
        lines = [line for line in lines if line]
        if published:
            lines += published[-1][100 : 100 + CARRIED]
        text = GREEN.line_ending.join([header, *lines]) + GREEN.line_ending
        path.write_bytes(gzip.compress(text.encode()))
        published.append(lines)
    return published


def expected_state(published: list[list[str]]) -> tuple[list, list]:
    """Rows kept (first file by name wins) and the merge_log, from the CSV text alone."""
    pickup = GREEN.column_names.index(GREEN.pickup_column)
    kept: dict[str, str] = {}
    log = []
    for month, lines in zip(MONTHS, published, strict=True):
        name = GREEN.landed_name(month)
        merged = 0
        for line in lines:
            key = unique_row_id(GREEN, line)
            if key not in kept:
                kept[key] = name
                merged += 1
        months = {line.split(",")[pickup][:7] or "null" for line in lines}
        log.append((name, len(lines), len(lines), merged, len(lines) - merged,
                    ",".join(sorted(months)), "merged"))  # fmt: skip
    return sorted(kept.items()), log


def state(workspace: Workspace) -> tuple[list, list]:
    rows = workspace.query(
        "select unique_row_id, filename from green_tripdata order by unique_row_id, filename"
    )
    log = workspace.query(
        "select filename, rows_landed, rows_read, rows_merged, duplicates_removed, "
        "pickup_months, status from merge_log where taxi = 'green' order by filename"
    )
    return rows, log


def another_workspace(root: Path, source_url: str) -> Workspace:
    (root / "profiles").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "profiles.example.yml", root / "profiles" / "profiles.yml")
    return Workspace(root=root, source_url=source_url)


def load(workspace: Workspace, month: Month, url: str) -> None:
    run = workspace.loader("load", "--taxi", "green", "--month", str(month), "--source-url", url)
    assert run.code == 0, run.stderr


def build(workspace: Workspace, *args: str) -> None:
    run = workspace.dbt("build", *MERGE_ONLY, *args)
    assert run.code == 0, run.stdout[-3000:]


def test_a_batch_merged_file_by_file_ends_as_monthly_builds_and_a_reference(
    workspace, mirror, tmp_path
):
    published = publish(mirror)
    expected = expected_state(published)
    within = [len(lines) - len(set(lines)) for lines in published]
    assert within[0] > 0  # the generator's duplicates, within a file
    assert [row[4] for row in expected[1]] == [within[0], within[1] + CARRIED, within[2] + CARRIED]
    assert len(expected[0]) == sum(row[3] for row in expected[1])

    monthly = another_workspace(tmp_path / "monthly", workspace.source_url)
    with serve_folder(mirror) as url:
        for month in MONTHS:
            load(workspace, month, url)
        build(workspace)  # the first build: the whole batch, one file at a time
        first = state(workspace)
        for month in MONTHS:  # the same months, one incremental build after each landing
            load(monthly, month, url)
            build(monthly)
    assert first == expected
    assert state(monthly) == expected

    build(workspace, "--full-refresh")
    assert state(workspace) == expected
    build(workspace)  # nothing new: nothing changes
    assert state(workspace) == expected
