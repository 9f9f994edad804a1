"""The report's plots: matplotlib on the Agg backend, written as inline SVG text.

A fixed `svg.hashsalt`, no date in the metadata and text kept as text (`svg.fonttype: none`)
make the same numbers give the same bytes.
"""

from __future__ import annotations

import io

import matplotlib
import matplotlib.ticker
from matplotlib.figure import Figure

from loader.report.queries import MonthlyRevenue
from loader.taxis import TAXI_TYPES

matplotlib.use("Agg")  # no display, no GUI toolkit: the figure only becomes SVG text

_SVG_STYLE = {
    "svg.hashsalt": "taxi-elt-report",
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.size": 9,
}
# A service type the registry does not know (a table built by an older registry) still plots.
_OTHER_COLOURS = ("#4c72b0", "#c44e52", "#8172b2", "#64b5cd")


def monthly_plot(monthly: list[MonthlyRevenue]) -> str:
    """Trips and revenue per pickup month, a bar per taxi type: an <svg> element."""
    months = sorted({row.month for row in monthly})
    services = sorted({row.service_type for row in monthly})
    values = {(row.month, row.service_type): row for row in monthly}
    width = 0.8 / max(len(services), 1)
    with matplotlib.rc_context(_SVG_STYLE):
        figure = Figure(figsize=(11, 5.6), layout="constrained")
        trips_axes, revenue_axes = figure.subplots(2, 1, sharex=True)
        colours = _colours(services)
        for index, service in enumerate(services):
            shift = (index - (len(services) - 1) / 2) * width
            offsets = [position + shift for position in range(len(months))]
            rows = [values.get((month, service)) for month in months]
            trips = [row.trips if row else 0 for row in rows]
            revenue = [float(row.total_amount) if row else 0.0 for row in rows]
            bars = trips_axes.bar(offsets, trips, width, label=service, color=colours[service])
            # Labelled, so a month of a few hundred trips beside one of 70,000 still shows.
            trips_axes.bar_label(
                bars, [f"{value:,}" if value else "" for value in trips], fontsize=7, padding=2
            )
            bars = revenue_axes.bar(offsets, revenue, width, label=service, color=colours[service])
            revenue_axes.bar_label(
                bars, [f"{value:,.0f}" if value else "" for value in revenue], fontsize=7, padding=2
            )
        trips_axes.set_title("Trips per pickup month")
        revenue_axes.set_title("Revenue (total_amount, USD) per pickup month")
        for axes in (trips_axes, revenue_axes):
            axes.yaxis.set_major_formatter(matplotlib.ticker.StrMethodFormatter("{x:,.0f}"))
            axes.grid(axis="y", linewidth=0.4, alpha=0.6)
            axes.set_axisbelow(True)
            axes.margins(y=0.12)  # room for the labels above the tallest bar
        trips_axes.legend(title="taxi", loc="upper left")
        revenue_axes.set_xticks(range(len(months)), months, rotation=60, ha="right")
        return _svg(figure)


def _colours(services: list[str]) -> dict[str, str]:
    """Each taxi type in its registry colour (TLC green, TLC yellow), others from a palette."""
    others = iter(_OTHER_COLOURS * (len(services) // len(_OTHER_COLOURS) + 1))
    return {
        service: TAXI_TYPES[service].colour if service in TAXI_TYPES else next(others)
        for service in services
    }


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    # Inline in HTML: from the <svg> element on (no XML declaration, no DOCTYPE to a DTD URL).
    return text[text.index("<svg") :]
