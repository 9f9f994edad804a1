"""The registry is the one declaration of a taxi type: the rest derives from it and cannot drift.

A new taxi type is its entry in loader/taxis.py and the files that `python -m loader sources
--write` renders from it (its models, the sources and models YAML, the analytics staging and
its branch of the union). These tests keep that claim true: every rendered file is what the
registry renders, every per-type model is rendered, and no other file of the loader or the dbt
project names a taxi type, bar three that say why.
"""

from __future__ import annotations

import re

from loader import dbt_yaml
from loader.schema import Decimal, Integer, Text, Timestamp
from loader.taxis import TAXI_TYPES
from tests.conftest import PROJECT_ROOT

MODELS = PROJECT_ROOT / "dbt_project" / "models"
GENERATED = {str(path.relative_to(PROJECT_ROOT)) for path in dbt_yaml.rendered()}
PER_TYPE_MODEL = re.compile(r"(stg_tlc__\w+_trips|\w+_tripdata|stg_trips__\w+)\.sql")


def test_the_generated_files_are_what_the_registry_renders():
    stale = [str(path.relative_to(PROJECT_ROOT)) for path in dbt_yaml.stale()]
    assert stale == [], f"run `python -m loader sources --write`: {stale} are stale"


def test_every_per_type_model_is_rendered():
    """Three models a type, all rendered: none written by hand, none left over."""
    per_type = {
        str(path.relative_to(PROJECT_ROOT))
        for path in MODELS.rglob("*.sql")
        if PER_TYPE_MODEL.fullmatch(path.name)
    }
    assert per_type <= GENERATED
    assert len(per_type) == 3 * len(TAXI_TYPES)


# Files that may name a taxi type, and why: nothing else may.
ALLOWED = {
    "loader/taxis.py": "the registry",
    "loader/sample_data.py": "realism by name (empty columns); other types fall back by type",
    "loader/commands/demo.py": "the demo's choice of types",
    "dbt_project/models/analytics/marts/_analytics__marts.yml": "the types with dictionary codes",
}


def test_nothing_else_names_a_taxi_type():
    names = "|".join(TAXI_TYPES)
    literal = re.compile(rf"""['"]({names})['"_]""")
    offenders = []
    for folder in ("loader", "dbt_project/macros", "dbt_project/models", "dbt_project/tests"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*")):
            relpath = str(path.relative_to(PROJECT_ROOT))
            if not path.is_file() or path.suffix not in {".py", ".sql", ".yml", ".md", ".c"}:
                continue
            if relpath in ALLOWED or relpath in GENERATED:
                continue
            code = "\n".join(
                line for line in path.read_text().splitlines() if not line.lstrip().startswith("#")
            )
            if literal.search(code):
                offenders.append(relpath)
    assert offenders == []


def test_a_new_taxi_type_touches_its_registry_entry_and_rendered_files():
    """The count kept honest: the files that name fhvhv (a type without dictionary codes and
    outside the demo) are the registry, what it renders, and nothing else."""
    named = set()
    for folder in ("loader", "dbt_project"):
        for path in (PROJECT_ROOT / folder).rglob("*"):
            readable = path.is_file() and path.suffix in {".py", ".sql", ".yml", ".md", ".c"}
            if readable and re.search(r"\bfhvhv\b", path.read_text(errors="replace")):
                named.add(str(path.relative_to(PROJECT_ROOT)))
    rendered_for_fhvhv = {
        relpath for relpath in GENERATED if "fhvhv" in (PROJECT_ROOT / relpath).read_text()
    }
    assert named - rendered_for_fhvhv == {"loader/taxis.py"}, sorted(named - rendered_for_fhvhv)
    assert len(rendered_for_fhvhv) == 9, sorted(rendered_for_fhvhv)  # 3 models, 6 shared


def test_registry_columns_are_well_formed():
    for taxi in TAXI_TYPES.values():
        names = taxi.column_names
        assert len(names) == len(set(names))
        assert taxi.column(taxi.pickup_column).type == Timestamp()
        assert not taxi.column(taxi.pickup_column).nullable
        for column in taxi.columns:
            assert isinstance(column.type, Integer | Decimal | Timestamp | Text)
            assert column.description.endswith("."), column.name
