"""The report page: one self-contained HTML document (inline CSS and SVG, nothing fetched).

Every value is escaped on its way into the HTML; every number sits in an element with data
attributes (`data-metric`, and `data-service`, `data-month`, `data-zone` or `data-file`) and
its exact value in `data-value`, so a test reads the page's numbers from the DOM.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from html import escape
from pathlib import PurePosixPath

from loader.reconcile import FileStatus
from loader.report.plots import monthly_plot
from loader.report.queries import ReportData

NOTHING_LANDED = "Nothing landed yet: run make load MONTH=YYYY-MM, then make build."
NOTHING_MERGED = (
    "The marts hold no trips yet: land a month (make load MONTH=YYYY-MM) and run make build."
)

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem;
       color: #1d2327; max-width: 76rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 1.5rem; border-bottom: 1px solid #ccd0d4; }
h3 { font-size: 1rem; margin: 0.5rem 0 0.2rem; }
.columns { display: flex; flex-wrap: wrap; gap: 0 3rem; align-items: flex-start; }
p.meta { color: #50575e; margin-top: 0; }
table { border-collapse: collapse; font-size: 0.9rem; margin: 0.5rem 0; }
th, td { padding: 0.25rem 0.7rem; border-bottom: 1px solid #e2e4e7; text-align: left; }
th { background: #f6f7f7; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tr.total td { font-weight: 600; border-top: 2px solid #8c8f94; }
.no { color: #b32d2e; font-weight: 600; }
.empty { color: #50575e; font-style: italic; }
figure { margin: 0.5rem 0 0; }
figure svg { max-width: 100%; height: auto; }
"""


def render_page(data: ReportData, files: list[FileStatus], *, generated_at: str) -> str:
    """The whole document. `generated_at` is shown as given (the caller's clock, UTC)."""
    has_trips = bool(data.monthly) or any(data.trips_by_service.values())
    body = [
        "<h1>taxi-elt: what the warehouse holds</h1>",
        f'<p class="meta">{_text(data.warehouse)} · generated {_text(generated_at)} · '
        f"{_text(f'{data.zones:,}')} zones in dim_zones</p>",
        _columns(
            ["<h2>Landed files</h2>", _files(files) if files else _empty(NOTHING_LANDED)],
            ["<h2>Trips in fct_trips</h2>", _totals(data) if has_trips else _empty(NOTHING_MERGED)],
        ),
        "<h2>Trips and revenue per month and taxi type</h2>",
        _figure(data, files) if data.monthly else _empty(NOTHING_MERGED),
        _columns(
            ["<h3>Per pickup month</h3>", _monthly(data) if data.monthly else ""],
            [
                f"<h3>Top {len(data.top_zones) or 10} pickup zones by trips</h3>",
                _zones(data) if data.top_zones else _empty(NOTHING_MERGED),
            ],
        ),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>taxi-elt report</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )


def _totals(data: ReportData) -> str:
    rows = [
        _row([_td(service), _number(trips, metric="fct_trips_rows", service=service)])
        for service, trips in sorted(data.trips_by_service.items())
    ]
    total = sum(data.trips_by_service.values())
    rows.append(_row([_td("all"), _number(total, metric="fct_trips_rows", service="all")], "total"))
    return _table(["taxi", "rows"], rows, numeric={"rows"})


def _monthly(data: ReportData) -> str:
    rows = [
        _row(
            [
                _td(row.month),
                _td(row.service_type),
                _number(row.trips, metric="trips", service=row.service_type, month=row.month),
                _number(
                    row.total_amount, metric="revenue", service=row.service_type, month=row.month
                ),
            ]
        )
        for row in data.monthly
    ]
    trips = sum(row.trips for row in data.monthly)
    revenue = sum((row.total_amount for row in data.monthly), Decimal(0))
    rows.append(
        _row(
            [
                _td("all"),
                _td("all"),
                _number(trips, metric="trips", service="all", month="all"),
                _number(revenue, metric="revenue", service="all", month="all"),
            ],
            "total",
        )
    )
    return _table(
        ["pickup month", "taxi", "trips", "revenue (USD)"],
        rows,
        numeric={"trips", "revenue (USD)"},
    )


def _figure(data: ReportData, files: list[FileStatus]) -> str:
    plot = monthly_plot(data.monthly)
    figure = f'<figure aria-label="trips and revenue per month and taxi type">{plot}</figure>'
    landed = {(status.taxi, status.month) for status in files}
    stray = sorted(
        f"{row.service_type} {row.month}"
        for row in data.monthly
        if (row.service_type, row.month) not in landed
    )
    if not stray:
        return figure
    shown = ", ".join(stray[:6]) + (", ..." if len(stray) > 6 else "")
    note = _empty(
        f"Pickup months no landed file is named for ({shown}) are real rows: the TLC files "
        "carry a few pickups with stray dates."
    )
    return f"{figure}\n{note}"


def _columns(*columns: list[str]) -> str:
    """Sections side by side where the window is wide enough (they wrap when it is not)."""
    return (
        '<div class="columns">'
        + "".join("<section>" + "\n".join(parts) + "</section>" for parts in columns)
        + "</div>"
    )


def _zones(data: ReportData) -> str:
    rows = [
        _row(
            [
                _td(str(rank)),
                _td(zone.borough),
                _td(zone.zone, zone=zone.location_id, metric="zone_name"),
                _number(zone.trips, metric="zone_trips", zone=zone.location_id),
                _number(zone.total_amount, metric="zone_revenue", zone=zone.location_id),
            ]
        )
        for rank, zone in enumerate(data.top_zones, start=1)
    ]
    return _table(
        ["rank", "borough", "zone", "trips", "revenue (USD)"],
        rows,
        numeric={"trips", "revenue (USD)"},
    )


def _files(files: list[FileStatus]) -> str:
    rows = []
    for status in files:
        reconciled = "yes" if status.reconciled else "no"
        rows.append(
            _row(
                [
                    _td(status.taxi),
                    _td(status.month),
                    _td(_format(status.file)),
                    _number(status.rows_landed, metric="rows_landed", file=status.file),
                    _number(status.rows_merged, metric="rows_merged", file=status.file),
                    _number(
                        status.duplicates_removed, metric="duplicates_removed", file=status.file
                    ),
                    _td(
                        reconciled,
                        css=None if status.reconciled else "no",
                        metric="reconciled",
                        file=status.file,
                    ),
                    _td(status.problem or "", metric="problem", file=status.file),
                ]
            )
        )
    rows.append(_files_total(files))
    headers = [
        "taxi",
        "month",
        "format",
        "rows landed",
        "rows merged",
        "duplicates removed",
        "reconciled",
        "problem",
    ]
    return _table(headers, rows, numeric={"rows landed", "rows merged", "duplicates removed"})


def _files_total(files: list[FileStatus]) -> str:
    reconciled = sum(status.reconciled for status in files)
    return _row(
        [
            _td("all"),
            _td(f"{len(files)} file{'' if len(files) == 1 else 's'}"),
            _td(""),
            _number(sum(s.rows_landed for s in files), metric="rows_landed", file="all"),
            _number(sum(s.rows_merged or 0 for s in files), metric="rows_merged", file="all"),
            _number(
                sum(s.duplicates_removed or 0 for s in files),
                metric="duplicates_removed",
                file="all",
            ),
            _td(f"{reconciled}/{len(files)}", metric="reconciled", file="all"),
            _td(""),
        ],
        "total",
    )


def _format(file: str) -> str:
    """The landed file's format, from its name (green_tripdata_2021-01.csv -> CSV)."""
    return PurePosixPath(file).suffix.lstrip(".").upper() or "-"


def _table(headers: list[str], rows: Iterable[str], *, numeric: set[str]) -> str:
    head = "".join(
        f'<th class="number">{_text(name)}</th>' if name in numeric else f"<th>{_text(name)}</th>"
        for name in headers
    )
    return (
        f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + ("\n</tbody>\n</table>")
    )


def _row(cells: list[str], css: str | None = None) -> str:
    return (f'<tr class="{_text(css)}">' if css else "<tr>") + "".join(cells) + "</tr>"


def _number(value: int | Decimal | None, **data: object) -> str:
    """A right-aligned number: 73,058 or 1,234.50 shown, the exact value in data-value."""
    if value is None:
        return _td("-", css="number", **data)
    shown = f"{value:,.2f}" if isinstance(value, Decimal) else f"{value:,}"
    return _td(shown, css="number", **data, value=value)


def _td(text: str, *, css: str | None = None, **data: object) -> str:
    attributes = "".join(
        f' data-{name.replace("_", "-")}="{_text(str(value))}"' for name, value in data.items()
    )
    if css:
        attributes = f' class="{_text(css)}"' + attributes
    return f"<td{attributes}>{_text(text)}</td>"


def _empty(message: str) -> str:
    return f'<p class="empty">{_text(message)}</p>'


def _text(value: str) -> str:
    return escape(value, quote=True)
