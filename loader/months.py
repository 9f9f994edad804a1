"""Months as the TLC publishes them: one file per taxi type and calendar month."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

_MONTH = re.compile(r"(\d{4})-(\d{2})")

# The TLC trip record archive starts in 2009; anything outside these years is a typo.
FIRST_YEAR = 2009
LAST_YEAR = 2099


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse YYYY-MM strictly; the message says what is wrong with the value."""
        shown = text if len(text) <= 20 else text[:20] + "..."
        match = _MONTH.fullmatch(text)
        if match is None:
            raise ValueError(f"month {shown!r} is not of the form YYYY-MM (e.g. 2021-03)")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"month {shown!r} has month {month:02d}; it must be 01 to 12")
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(
                f"month {shown!r} has year {year}; TLC trip files exist from {FIRST_YEAR}"
            )
        return cls(year, month)

    @classmethod
    def latest_begun(cls) -> Month:
        """The newest month that has begun somewhere on Earth (UTC+14): nothing after it can
        have been published."""
        now = datetime.now(timezone(timedelta(hours=14)))
        return cls(now.year, now.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> Month:
        if self.month == 12:
            return Month(self.year + 1, 1)
        return Month(self.year, self.month + 1)

    def previous(self) -> Month:
        if self.month == 1:
            return Month(self.year - 1, 12)
        return Month(self.year, self.month - 1)


def month_range(first: Month, last: Month) -> Iterator[Month]:
    """Every month from first to last, both included."""
    if last < first:
        raise ValueError(f"the range {first}..{last} is empty: {last} is before {first}")
    current = first
    while current <= last:
        yield current
        current = current.next()
