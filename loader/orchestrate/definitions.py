"""The module `dagster dev -m loader.orchestrate.definitions` loads (`make ui`).

Settings are read once, as the CLI reads them (the environment, then .env, then the
defaults), and checked before anything is defined: a setting that cannot be read stops the
code location from loading, with the same one line the CLI prints.
"""

from __future__ import annotations

from loader.config import load_settings, read_dotenv
from loader.orchestrate.location import build_definitions

read_dotenv()
defs = build_definitions(load_settings())
