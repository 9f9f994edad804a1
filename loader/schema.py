"""Column types of the registry, and what each means to the door and to both warehouses.

One declaration per column (loader/taxis.py) drives everything else: the loader's value check
(loader/checks), the dbt sources' declared types (the generated `_tlc__sources.yml`), the
staging casts, the surrogate key's canonical text and the BigQuery DDL.

The door accepts a value only where DuckDB's typed `read_csv` and BigQuery's CSV load both
read it, and read it as the same value:

- integer: `-?[0-9]+`, optionally with an all-zero fraction (`1.0`, as some releases write
  integer columns), within int64. BigQuery refuses `1.0` as INT64, so its external tables
  read integer columns as NUMERIC and staging casts them (exactly: the fraction is zero).
- decimal(p, s): `-?[0-9]*(.[0-9]+)?` with at least one digit (`.61`, `-0.5`), at most
  p - s integer digits and s decimals (trailing zeros aside). No exponent, no `1.`.
- timestamp: `YYYY-MM-DD HH:MM:SS`, optionally `.f` to `.ffffff`, a real date and time of
  years 0001-9999. No `T`, no zone: DuckDB drops an offset that BigQuery applies.
- text: valid UTF-8, no control characters, at most `max_length` characters.
- empty means NULL, refused in a column declared not null; `""` (a quoted empty value) is
  refused everywhere: DuckDB reads it as NULL, BigQuery as an empty string.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Literal

Kind = Literal["integer", "decimal", "timestamp", "text"]


@dataclass(frozen=True)
class Integer:
    kind: Kind = "integer"

    @property
    def data_type(self) -> str:
        return "bigint"

    def describe(self) -> str:
        return "an integer"


@dataclass(frozen=True)
class Decimal:
    precision: int
    scale: int
    kind: Kind = "decimal"

    def __post_init__(self) -> None:
        if not 1 <= self.precision <= 38 or not 0 <= self.scale <= min(self.precision, 9):
            raise ValueError(f"decimal({self.precision},{self.scale}) is not supported")

    @property
    def data_type(self) -> str:
        return f"numeric({self.precision},{self.scale})"

    def describe(self) -> str:
        return f"a decimal with at most {self.scale} decimals"


@dataclass(frozen=True)
class Timestamp:
    kind: Kind = "timestamp"

    @property
    def data_type(self) -> str:
        return "timestamp"

    def describe(self) -> str:
        return "a timestamp YYYY-MM-DD HH:MM:SS"


@dataclass(frozen=True)
class Text:
    max_length: int
    kind: Kind = "text"

    def __post_init__(self) -> None:
        if not 1 <= self.max_length <= 65_535:
            raise ValueError(f"text({self.max_length}) is not supported")

    @property
    def data_type(self) -> str:
        return "varchar"

    def describe(self) -> str:
        return f"text of at most {self.max_length} characters"


ColumnType = Integer | Decimal | Timestamp | Text


@dataclass(frozen=True)
class Column:
    name: str  # as published, in the file's header
    type: ColumnType
    description: str
    nullable: bool = True
    aliases: tuple[str, ...] = ()  # other spellings of the header some releases use

    def matches(self, header_name: str) -> bool:
        """Header names match case-insensitively, by the name or one of its aliases."""
        name = header_name.casefold()
        return name == self.name.casefold() or name in {a.casefold() for a in self.aliases}


def scan_spec(columns: tuple[Column, ...]) -> bytes:
    """The columns as the C scanner takes them: 6 bytes each (kind, nullable, p1, p2)."""
    out = bytearray()
    for column in columns:
        kind = column.type
        if isinstance(kind, Decimal):
            code, first, second = b"d", kind.precision, kind.scale
        elif isinstance(kind, Text):
            code, first, second = b"s", kind.max_length, 0
        elif isinstance(kind, Timestamp):
            code, first, second = b"t", 0, 0
        else:
            code, first, second = b"i", 0, 0
        out += code + struct.pack("<BHH", int(column.nullable), first, second)
    return bytes(out)
