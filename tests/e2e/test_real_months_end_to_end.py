"""End to end on real TLC files: the loader over HTTP on 127.0.0.1, then dbt on DuckDB."""

from __future__ import annotations

import gzip
import itertools

from loader.taxis import GREEN, YELLOW
from tests.conftest import GREEN_ROWS, gzip_into
from tests.support.http_server import serve_folder
from tests.support.keys import unique_row_id


def table_fingerprint(workspace, table: str) -> tuple:
    """Rows, distinct keys, and an order-free checksum of every key."""
    return workspace.query(
        f"select count(*), count(distinct unique_row_id), "
        f"sum(hash(unique_row_id) % 1000000007) from {table}"
    )[0]


def test_real_months_land_and_merge_exactly(workspace, shared_tlc, mirror):
    for month in ("2021-01", "2021-02"):
        run = workspace.loader("load", "--taxi", "green", "--month", month)
        assert run.code == 0, run.stderr
        assert f"landed     green_tripdata_{month}.csv" in run.stdout
        assert f"{GREEN_ROWS[month]:,} rows" in run.stdout
        landed = workspace.landing / "green" / f"green_tripdata_{month}.csv"
        source = shared_tlc / "green" / f"green_tripdata_{month}.csv.gz"
        assert landed.read_bytes() == gzip.decompress(source.read_bytes())

    build = workspace.dbt("build")
    assert build.code == 0, build.stdout[-3000:]
    assert "ERROR=0" in build.stdout
    expected = GREEN_ROWS["2021-01"] + GREEN_ROWS["2021-02"]
    assert expected == 141_090
    rows, keys, checksum = table_fingerprint(workspace, "green_tripdata")
    assert (rows, keys) == (141_090, 141_090)
    per_file = dict(
        workspace.query("select filename, count(*) from green_tripdata group by filename")
    )
    assert per_file == {
        "green_tripdata_2021-01.csv": 76_518,
        "green_tripdata_2021-02.csv": 64_572,
    }
    log = workspace.query(
        "select filename, rows_landed, rows_read, rows_merged, duplicates_removed, merged_at "
        "from merge_log order by filename"
    )
    assert [row[:5] for row in log] == [
        ("green_tripdata_2021-01.csv", 76_518, 76_518, 76_518, 0),
        ("green_tripdata_2021-02.csv", 64_572, 64_572, 64_572, 0),
    ]

    # The key is md5 over every column's canonical text: recompute it from the CSV text.
    lines = gzip.decompress((shared_tlc / "green/green_tripdata_2021-01.csv.gz").read_bytes())
    sample = lines.decode().splitlines()[1:200]
    expected_keys = {unique_row_id(GREEN, line) for line in sample}
    found = workspace.query(
        "select count(*) from green_tripdata where unique_row_id in ("
        + ", ".join(f"'{key}'" for key in expected_keys)
        + ")"
    )[0][0]
    assert found == len(expected_keys) == 199

    # Loading and building again changes nothing: no download, no merge, same table.
    again = workspace.loader("load", "--taxi", "green", "--month", "2021-01")
    assert again.code == 0 and "unchanged" in again.stdout
    rebuild = workspace.dbt("build")
    assert rebuild.code == 0, rebuild.stdout[-3000:]
    assert table_fingerprint(workspace, "green_tripdata") == (rows, keys, checksum)
    assert (
        workspace.query(
            "select filename, rows_landed, rows_read, rows_merged, duplicates_removed, "
            "merged_at from merge_log order by filename"
        )
        == log
    )

    # A yellow sample (first 499 and last 500 rows of yellow 2020-01, LF then CRLF lines).
    gzip_into(
        shared_tlc / "samples/yellow_tripdata_2020-01_head499_tail500.csv",
        mirror / "yellow/yellow_tripdata_2020-01.csv.gz",
    )
    with serve_folder(mirror) as url:
        run = workspace.loader(
            "load", "--taxi", "yellow", "--month", "2020-01", "--source-url", url
        )
    assert run.code == 0, run.stderr
    assert "999 rows" in run.stdout
    build = workspace.dbt("build")
    assert build.code == 0, build.stdout[-3000:]
    assert table_fingerprint(workspace, "yellow_tripdata")[:2] == (999, 999)
    assert table_fingerprint(workspace, "green_tripdata") == (rows, keys, checksum)
    sample_lines = (
        (shared_tlc / "samples/yellow_tripdata_2020-01_head499_tail500.csv")
        .read_text()
        .splitlines()[1:]
    )
    yellow_keys = [
        unique_row_id(YELLOW, line) for line in itertools.islice(sample_lines, 0, None, 97)
    ]
    found = workspace.query(
        "select count(*) from yellow_tripdata where unique_row_id in ("
        + ", ".join(f"'{key}'" for key in yellow_keys)
        + ")"
    )[0][0]
    assert found == len(yellow_keys)

    status = workspace.loader("status")
    assert status.code == 0, status.stdout + status.stderr
    assert "3/3 reconciled" in status.stdout


def test_changed_content_replaces_the_file_rows_and_duplicates_are_counted(workspace, mirror):
    """A re-published month with different content replaces its rows, duplicates dropped."""
    header = ",".join(GREEN.column_names)
    row = ",2021-01-0{d} 00:15:56,2021-01-01 00:19:52,,,43,151,,1.01,5.5,0.5,0.5,0,0,,0.3,6.8,,,"
    first = [row.format(d=day) for day in (1, 2, 3, 4)]
    second = [row.format(d=day) for day in (3, 4, 5, 5, 5)]  # two rows kept, one new + 2 dups
    path = mirror / "green/green_tripdata_2021-01.csv.gz"
    with serve_folder(mirror) as url:
        path.write_bytes(gzip.compress(("\r\n".join([header, *first]) + "\r\n").encode()))
        assert (
            workspace.loader(
                "load", "--taxi", "green", "--month", "2021-01", "--source-url", url
            ).code
            == 0
        )
        assert workspace.dbt("build").code == 0
        assert workspace.query("select count(*) from green_tripdata")[0][0] == 4
        path.write_bytes(gzip.compress(("\r\n".join([header, *second]) + "\r\n").encode()))
        run = workspace.loader("load", "--taxi", "green", "--month", "2021-01", "--source-url", url)
        assert run.code == 0 and "replaced" in run.stdout
    build = workspace.dbt("build")
    assert build.code == 0, build.stdout[-3000:]
    assert workspace.query("select count(*) from green_tripdata")[0][0] == 3
    assert workspace.query(
        "select rows_landed, rows_read, rows_merged, duplicates_removed from merge_log"
    ) == [(5, 5, 3, 2)]


def test_a_row_shared_by_two_files_survives_when_one_changes(workspace, mirror):
    """R is in January's file and February's; January is republished without R."""
    header = ",".join(GREEN.column_names)
    row = ",2021-01-{d} 00:15:56,2021-01-01 00:19:52,,,43,151,,1.01,5.5,0.5,0.5,0,0,,0.3,6.8,,,"
    shared = row.format(d="20")
    january = [row.format(d=day) for day in ("01", "02")]
    february = [row.format(d=day) for day in ("03", "04")]

    def publish(month: str, rows: list[str]) -> None:
        text = "\r\n".join([header, *rows]) + "\r\n"
        (mirror / f"green/green_tripdata_{month}.csv.gz").write_bytes(gzip.compress(text.encode()))

    def load(month: str, url: str) -> None:
        run = workspace.loader("load", "--taxi", "green", "--month", month, "--source-url", url)
        assert run.code == 0, run.stderr

    with serve_folder(mirror) as url:
        publish("2021-01", [*january, shared])
        publish("2021-02", [*february, shared])
        load("2021-01", url)
        load("2021-02", url)
        assert workspace.dbt("build").code == 0
        assert workspace.query(
            "select filename, count(*) from green_tripdata group by 1 order by 1"
        ) == [("green_tripdata_2021-01.csv", 3), ("green_tripdata_2021-02.csv", 2)]

        publish("2021-01", january)  # R is gone from January, still in February
        load("2021-01", url)
        build = workspace.dbt("build")
    assert build.code == 0, build.stdout[-3000:]
    assert workspace.query(
        "select filename, count(*) from green_tripdata group by 1 order by 1"
    ) == [("green_tripdata_2021-01.csv", 2), ("green_tripdata_2021-02.csv", 3)]
    assert workspace.query(
        "select filename, rows_landed, rows_merged, duplicates_removed from merge_log order by 1"
    ) == [("green_tripdata_2021-01.csv", 2, 2, 0), ("green_tripdata_2021-02.csv", 3, 3, 0)]
