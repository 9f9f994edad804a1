"""The bench writes its own table into the docs and the README: the markers are there, the
headline rows are the ones named, and a file without its markers is refused, not rewritten."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.publish import HEADLINE, MarkersMissing, headline, publish

ROOT = Path(__file__).resolve().parent.parent

REPORT = """## 2026-12-06 12:00 UTC

Machine: 2 cores. Each figure: median of 3 runs.

| measure | ours | baseline | ratio | target |
|---|---:|---:|---:|---|
| landing, local, 2,000,000 rows | 1.5 s | 1.6 s | 0.95 | <= 1.1 |
| landing, local, 8,000,000 rows | 4.3 s | 5.7 s | 0.75 | <= 1.1 |
| peak RSS, 8,000,000 vs 2,000,000 rows | 100 MB | 98 MB | 1.02 | <= 1.10 |
| parquet backfill end to end, 6 parquet months | 32 s | 74 s | 2.3x | >= 2x |
"""


def test_the_committed_docs_carry_the_markers() -> None:
    assert "<!-- bench:table -->" in (ROOT / "docs" / "performance.md").read_text()
    assert "<!-- bench:headline -->" in (ROOT / "README.md").read_text()


def test_headline_takes_the_largest_size_of_each_named_row() -> None:
    rows = headline(REPORT)
    assert rows == [
        "| landing, local, 8,000,000 rows | 4.3 s | 5.7 s | 0.75 | <= 1.1 |",
        "| parquet backfill end to end, 6 parquet months | 32 s | 74 s | 2.3x | >= 2x |",
    ]
    assert len(HEADLINE) == len(set(HEADLINE))


def test_publish_writes_between_the_markers_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    docs = tmp_path / "docs" / "performance.md"
    docs.write_text("intro\n<!-- bench:table -->\nold\n<!-- /bench:table -->\noutro\n")
    readme = tmp_path / "README.md"
    readme.write_text("top\n<!-- bench:headline -->\n<!-- /bench:headline -->\nend\n")
    publish(REPORT, "2026-12-06 12:00 UTC", "2 cores", 3, tmp_path)
    text = docs.read_text()
    assert text.startswith("intro\n<!-- bench:table -->\nThe run of 2026-12-06 12:00 UTC")
    assert "old" not in text and text.endswith("<!-- /bench:table -->\noutro\n")
    assert "| peak RSS, 8,000,000 vs 2,000,000 rows |" in text
    assert "## 2026" not in text and "Machine:" not in text
    readme_text = readme.read_text()
    assert "| landing, local, 8,000,000 rows |" in readme_text
    assert "2,000,000 rows | 1.5 s" not in readme_text
    assert readme_text.endswith("<!-- /bench:headline -->\nend\n")
    publish(REPORT, "2026-12-06 12:00 UTC", "2 cores", 3, tmp_path)  # again: the same files
    assert docs.read_text() == text and readme.read_text() == readme_text


def test_a_file_without_its_markers_is_refused_untouched(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    docs = tmp_path / "docs" / "performance.md"
    docs.write_text("no markers\n")
    with pytest.raises(MarkersMissing, match="bench:table"):
        publish(REPORT, "when", "machine", 3, tmp_path)
    assert docs.read_text() == "no markers\n"


def test_a_readme_without_its_markers_leaves_the_docs_untouched_too(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    docs = tmp_path / "docs" / "performance.md"
    docs.write_text("<!-- bench:table -->\nold\n<!-- /bench:table -->\n")
    (tmp_path / "README.md").write_text("no markers\n")
    with pytest.raises(MarkersMissing, match="bench:headline"):
        publish(REPORT, "when", "machine", 3, tmp_path)
    assert docs.read_text() == "<!-- bench:table -->\nold\n<!-- /bench:table -->\n"


def test_the_parquet_reports_floor_rows_do_not_take_the_headline() -> None:
    """The fixed-cost and floor rows the parquet sections add sit beside the rows the README
    shows; the headline still picks the 15 M-row landing and the whole fhvhv build."""
    from bench.measure import Sample
    from bench.parquet import report_fhvhv_month, report_parquet_landing

    def landing(rows: int, seconds: float, floor: float) -> dict:
        return {"rows": rows, "ours": Sample(seconds, 150), "floor": Sample(floor, 300),
                "fixed": rows == 10_000}  # fmt: skip

    lines = report_parquet_landing(
        [landing(10_000, 0.4, 0.1), landing(1_000_000, 0.8, 0.5), landing(15_000_000, 6.4, 4.6)]
    )
    fhvhv = {"rows": 15_000_000, "merged": 15_000_000, "landing": Sample(10.0, 200),
             "build": Sample(42.0, 1400), "model": 22.0, "analytics": 12.0, "statement": 21.0,
             "analytics_statement": 11.0, "noop": 6.0}  # fmt: skip
    lines += report_fhvhv_month(fhvhv)
    assert "| of which beyond the fixed cost (less the 10,000-row landing) | 6.00 s | 4.50 s | " \
        "1.33 | report |" in lines  # fmt: skip
    assert (
        "| parquet landing peak RSS, 15,000,000 vs 1,000,000 rows | 150 MB | 150 MB |"
        in "\n".join(lines)
    )
    assert (
        "| 42.0 s | 32.0 s (merge + analytics statements) | 1.31; less the fixed cost 1.12 |"
        in "\n".join(lines)
    )
    report = "\n".join(["| measure | ours | baseline | ratio | target |", "|---|", *lines])
    picked = headline(report)
    assert [row.split(" | ")[0] for row in picked] == [
        "| parquet landing, 15,000,000 rows (one row group)",
        "| fhvhv-scale month, whole dbt build (15,000,000 rows merged)",
    ]
