"""The run history: what each load, backfill and sync did, kept in the landing (`_runs/`).

One JSON document per run: the command, when it started and ended, per file the outcome (rows,
bytes, seconds, status) and per failure its reason, and the dbt build's summary if one ran.
`--json` prints the same document.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from loader.config import Settings
from loader.errors import LoaderError
from loader.landing import Landing, open_landing
from loader.landing.layout import RUNS_DIR
from loader.results import Failure, LoadResult

log = logging.getLogger(__name__)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass
class Run:
    command: str
    started_at: str = field(default_factory=_now)
    run_id: str = ""
    finished_at: str | None = None
    files: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    build: str | None = None

    def __post_init__(self) -> None:
        if not self.run_id:
            stamp = self.started_at.replace("-", "").replace(":", "").split(".")[0]
            self.run_id = f"{stamp}-{self.command}-{secrets.token_hex(3)}"

    def finish(self, results: list[LoadResult], failures: list[Failure]) -> Run:
        self.finished_at = _now()
        self.files = [
            {
                "taxi": result.taxi,
                "month": result.month,
                "file": result.file,
                "status": result.status,
                "rows": result.rows,
                "bytes_compressed": result.bytes_compressed,
                "bytes_uncompressed": result.bytes_uncompressed,
                "seconds": round(result.seconds, 3),
                "uri": result.uri,
            }
            for result in results
        ]
        self.failures = [asdict(failure) for failure in failures]
        return self

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    def save(self, landing: Landing) -> str:
        """Write the record to `_runs/<run id>.json`; returns where."""
        relpath = f"{RUNS_DIR}/{self.run_id}.json"
        landing.write_text(relpath, self.to_json() + "\n")
        return landing.file_uri(relpath)


def save_run(settings: Settings, run: Run) -> None:
    """Keep the run in the history; a landing that cannot take it only costs a warning."""
    try:
        run.save(open_landing(settings))
    except LoaderError as error:
        log.warning("warning: the run history was not written (%s)", error)
