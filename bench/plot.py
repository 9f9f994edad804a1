"""The bench's figures: first builds by months, ours beside the one statement."""

from __future__ import annotations

from pathlib import Path


def plot_first_builds(result: dict, path: Path, what: str = "") -> None:
    """An SVG of the first build's seconds and peak RSS by months, with the baseline."""
    import matplotlib

    matplotlib.use("svg")
    from matplotlib import pyplot

    sizes = result["sizes"]
    months = [size["months"] for size in sizes]
    figure, (time_axis, memory_axis) = pyplot.subplots(1, 2, figsize=(8, 3))
    for axis, measure, unit in ((time_axis, "seconds", "s"), (memory_axis, "peak_rss_mb", "MB")):
        for key, label, style in (("build", "dbt build (tlc_merged)", "o-"),
                                  ("baseline", "one DuckDB statement", "s--")):  # fmt: skip
            axis.plot(months, [getattr(size[key], measure) for size in sizes], style, label=label)
        axis.set_xlabel(f"{what}months of {result['rows']:,} rows")
        axis.set_ylabel(unit)
        axis.set_xticks(months)
        axis.grid(alpha=0.3)
    time_axis.set_title("first build: time")
    memory_axis.set_title("first build: peak RSS")
    time_axis.legend(fontsize=8)
    figure.tight_layout()
    figure.savefig(path, metadata={"Date": None})
    pyplot.close(figure)
