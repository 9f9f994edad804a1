"""The registry is the one declaration of a taxi type: the rest derives from it and cannot drift.

A new taxi type is its entry in loader/taxis.py, the two thin model files below, and the YAML
that `python -m loader sources --write` renders. These tests keep that claim true: the
generated YAML is what the registry renders, each type has exactly its two thin files, and no
other file of the loader or the dbt project names a taxi type.
"""

from __future__ import annotations

import re

from loader import dbt_yaml
from loader.schema import Decimal, Integer, Text, Timestamp
from loader.taxis import TAXI_TYPES
from tests.conftest import PROJECT_ROOT

MODELS = PROJECT_ROOT / "dbt_project" / "models"


def thin_files(taxi: str) -> dict[str, str]:
    """What a new taxi type needs besides its registry entry: these two files, exactly."""
    return {
        f"dbt_project/models/staging/stg_tlc__{taxi}_trips.sql": (
            f"-- Every landed {taxi} trip, CSV and parquet, typed and keyed "
            "(macros/trips/tlc_staged_view.sql).\n\n"
            f"{{{{ tlc_staged_view('{taxi}', source('tlc', '{taxi}_tripdata_ext'), "
            f"source('tlc', '{taxi}_tripdata_parquet_ext')) }}}}\n"
        ),
        f"dbt_project/models/core/{taxi}_tripdata.sql": (
            f"-- Every {taxi} trip landed, once: the tlc_merged materialization merges one file "
            "at a time.\n\n"
            f"{{{{ config(meta={{'taxi': '{taxi}'}}) }}}}\n\n"
            f"{{{{ tlc_merged_trips('{taxi}') }}}}\n"
        ),
    }


def test_the_generated_yaml_is_what_the_registry_renders():
    stale = [str(path.relative_to(PROJECT_ROOT)) for path in dbt_yaml.stale()]
    assert stale == [], f"run `python -m loader sources --write`: {stale} are stale"


def test_each_taxi_type_has_exactly_its_two_thin_model_files():
    for taxi in TAXI_TYPES:
        for relpath, text in thin_files(taxi).items():
            assert (PROJECT_ROOT / relpath).read_text() == text, relpath
    trip_models = {
        str(path.relative_to(PROJECT_ROOT))
        for folder in ("staging", "core")
        for path in (MODELS / folder).glob("*.sql")
        if re.search(r"(stg_tlc__\w+_trips|\w+_tripdata)\.sql$", path.name)
    }
    assert trip_models == {relpath for taxi in TAXI_TYPES for relpath in thin_files(taxi)}


# Files that may name a taxi type, and why: nothing else may.
ALLOWED = {
    "loader/taxis.py": "the registry",
    "loader/sample_data.py": "realism by name (empty columns); other types fall back by type",
    "loader/commands/demo.py": "the demo's choice of types",
    "dbt_project/models/staging/_tlc__sources.yml": "generated",
    "dbt_project/models/staging/_tlc__models.yml": "generated",
    "dbt_project/models/core/_core__models.yml": "generated",
    "dbt_project/models/_tlc__docs.md": "generated",
    "dbt_project/models/analytics/staging/stg_trips__green.sql": "the analytics staging of a type",
    "dbt_project/models/analytics/staging/stg_trips__yellow.sql": "the analytics staging of a type",
    "dbt_project/models/analytics/staging/stg_trips__fhv.sql": "the analytics staging of a type",
    "dbt_project/models/analytics/staging/stg_trips__fhvhv.sql": "the analytics staging of a type",
    "dbt_project/models/analytics/marts/_analytics__marts.yml": "the types with dictionary codes",
    "dbt_project/models/analytics/staging/_analytics__staging.yml": "their entries, one a type",
    "dbt_project/models/analytics/intermediate/int_trips_unioned.sql": "one ref a type",
}


def test_nothing_else_names_a_taxi_type():
    names = "|".join(TAXI_TYPES)
    literal = re.compile(rf"""['"]({names})['"_]""")
    thin = {relpath for taxi in TAXI_TYPES for relpath in thin_files(taxi)}
    offenders = []
    for folder in ("loader", "dbt_project/macros", "dbt_project/models", "dbt_project/tests"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            relpath = str(path.relative_to(PROJECT_ROOT))
            if not path.is_file() or path.suffix not in {".py", ".sql", ".yml", ".md", ".c"}:
                continue
            if relpath in ALLOWED or relpath in thin:
                continue
            code = "\n".join(
                line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")
            )
            if literal.search(code):
                offenders.append(relpath)
    assert offenders == []


def test_registry_columns_are_well_formed():
    for taxi in TAXI_TYPES.values():
        names = taxi.column_names
        assert len(names) == len(set(names))
        assert taxi.column(taxi.pickup_column).type == Timestamp()
        assert not taxi.column(taxi.pickup_column).nullable
        for column in taxi.columns:
            assert isinstance(column.type, Integer | Decimal | Timestamp | Text)
            assert column.description.endswith("."), column.name
