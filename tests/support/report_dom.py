"""Read the report page's numbers back from HTML: every element that carries data-metric."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True)
class Metric:
    attributes: dict[str, str]  # data-* without the prefix: metric, service, month, value, ...
    text: str  # what the page shows


class _MetricParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.metrics: list[Metric] = []
        self.texts: list[str] = []
        self._open: list[tuple[str, dict[str, str], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = {
            name.removeprefix("data-"): value or ""
            for name, value in attrs
            if name.startswith("data-")
        }
        if "metric" in data:
            self._open.append((tag, data, []))

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open[-1][0] == tag:
            _, data, parts = self._open.pop()
            self.metrics.append(Metric(data, "".join(parts)))

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        for _, _, parts in self._open:
            parts.append(data)


def parse_metrics(html: str) -> list[Metric]:
    parser = _MetricParser()
    parser.feed(html)
    parser.close()
    return parser.metrics


def page_text(html: str) -> str:
    """Every text node, joined: what a reader sees (entities decoded)."""
    parser = _MetricParser()
    parser.feed(html)
    parser.close()
    return " ".join(parser.texts)


def metric_values(metrics: list[Metric], metric: str, key: str) -> dict[str, str]:
    """{data-<key>: shown text} for one metric, e.g. per file the rows landed."""
    found: dict[str, str] = {}
    for item in metrics:
        if item.attributes["metric"] == metric:
            assert item.attributes[key] not in found, f"{metric} {item.attributes[key]} twice"
            found[item.attributes[key]] = item.text
    return found
