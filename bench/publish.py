"""Where a whole bench run's table goes besides bench/RESULTS.md: docs/performance.md (the
table) and the README (its headline rows), each between its markers, so no figure there is
copied by hand and every figure comes from the same run.

    <!-- bench:table -->            ... <!-- /bench:table -->     in docs/performance.md
    <!-- bench:headline -->         ... <!-- /bench:headline -->  in README.md
"""

from __future__ import annotations

import re
from pathlib import Path

# The README's rows, each the last table row whose measure starts so (the largest size).
HEADLINE = (
    "landing, local,",
    "merge, whole dbt build,",
    "backfill end to end,",
    "first build, 12 months",
    "parquet landing, 15,000,000",
    "fhvhv-scale month, whole dbt build",
    "parquet backfill end to end,",
)


class MarkersMissing(RuntimeError):
    pass


def table_rows(text: str) -> list[str]:
    """The table's body rows (not its header or rule) in a report's text."""
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    return rows[1:]


def headline(text: str) -> list[str]:
    rows = table_rows(text)
    picked = []
    for prefix in HEADLINE:
        matches = [row for row in rows if row[2:].startswith(prefix)]
        if matches:
            picked.append(matches[-1])
    return picked


def markers(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- bench:{name} -->\n).*?(<!-- /bench:{name} -->)", flags=re.DOTALL)


def check_markers(path: Path, name: str) -> None:
    if not markers(name).search(path.read_text()):
        raise MarkersMissing(f"{path} has no <!-- bench:{name} --> ... <!-- /bench:{name} -->")


def replace_between(path: Path, name: str, body: str) -> None:
    """Put `body` between the file's `<!-- bench:name -->` markers, or raise if it has none."""
    check_markers(path, name)
    text = path.read_text()
    path.write_text(markers(name).sub(lambda m: m.group(1) + body + m.group(2), text, count=1))


def publish(text: str, when: str, machine: str, runs: int, root: Path) -> None:
    """Write the run's table into docs/performance.md and its headline rows into README.md:
    both or neither (both files' markers are looked for before either is written)."""
    docs, readme = root / "docs" / "performance.md", root / "README.md"
    check_markers(docs, "table")
    check_markers(readme, "headline")
    said = f"The run of {when} ({machine}; each figure the median of {runs} runs).\n\n"
    header = "| measure | ours | baseline | ratio | target |\n|---|---:|---:|---:|---|\n"
    body = [line for line in text.splitlines() if not line.startswith(("## ", "Machine: "))]
    replace_between(docs, "table", said + "\n".join(body).strip() + "\n")
    rows = "\n".join(headline(text))
    replace_between(readme, "headline", said + header + rows + "\n")
