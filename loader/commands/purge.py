"""`purge`: remove a landed month and its manifest record so it can be loaded again."""

from __future__ import annotations

from loader.config import Settings
from loader.errors import UsageError
from loader.landing import open_landing
from loader.landing.layout import file_lock, landed_relpath, manifest_relpath
from loader.landing.manifest import ManifestError, read_record
from loader.merge_log import drop_missing_command
from loader.months import Month
from loader.taxis import TaxiType


def run_purge(
    settings: Settings,
    taxis: list[TaxiType],
    month: Month,
    formats: list[str] | None = None,
    *,
    yes: bool,
) -> int:
    landing = open_landing(settings)
    if not yes:
        raise UsageError(
            f"purge removes landed files for {month}; add --yes to confirm (make purge passes it)"
        )
    purged = []
    for taxi in taxis:
        found = False
        for file_format in formats or ["csv"]:
            with landing.lock(file_lock(taxi, month)):
                try:
                    record = read_record(landing, taxi, month, file_format)
                except ManifestError:
                    record = None  # a malformed record is exactly what purge is for
                # The manifest record goes first: a crash in between leaves a file nobody
                # merges, which the next load of the month repairs, never a record without
                # its file.
                had_record = landing.delete(manifest_relpath(taxi, month, file_format))
                had_file = landing.delete(landed_relpath(taxi, month, file_format))
            if not (had_record or had_file):
                continue
            found = True
            rows = f" ({record.rows:,} rows)" if record else ""
            print(
                f"purged     {taxi.landed_name(month, file_format)}{rows}: removed "
                f"{landing.file_uri(landed_relpath(taxi, month, file_format))} and its "
                "manifest record"
            )
        if found:
            purged.append(taxi)
        else:
            shown = "" if formats is None or len(formats) > 1 else f" as {formats[0]}"
            print(f"nothing landed for {taxi.name} {month}{shown}")
    for taxi in purged:
        print(
            f"Its rows stay in {taxi.name}_tripdata until `{drop_missing_command(taxi.name)}` "
            "rebuilds the table from the files still landed; until then dbt refuses to build "
            "the table and `status` reports them. Or load the month again."
        )
    return 0
