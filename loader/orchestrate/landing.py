"""One landed-file asset per taxi type, partitioned by month from the type's first file.

A run of one month lands that month; a run of a range (a backfill: the assets have a
single-run backfill policy) lands every month of it, several at once, as `make backfill`
does, and the build downstream runs once. Each landed month records its metadata (rows, bytes,
landed / unchanged / replaced, checksum, source, format). A month that fails fails the run
with the loader's own line; the other months of the range land and are recorded as
materialized, and re-executing the run from its failure lands the rest and builds once.
"""

from collections.abc import Iterator
from datetime import datetime

import dagster as dg
from dagster import AssetExecutionContext

from loader.config import Settings
from loader.land import land_many
from loader.landing import open_landing
from loader.landing.manifest import ManifestRecord, read_record
from loader.months import Month
from loader.output import Console
from loader.results import Failure, LoadResult
from loader.runs import Run, save_run
from loader.taxis import TaxiType

MONTH_FORMAT = "%Y-%m"  # partition keys read like the loader's months: 2021-03
LANDING_GROUP = "landing"
LANDING_JOBS = 4  # months landed at once in a range, as `make backfill` (JOBS=4)


def landed_file_key(taxi: TaxiType) -> dg.AssetKey:
    return dg.AssetKey(["landed", f"{taxi.name}_tripdata"])


def month_partitions(taxi: TaxiType, settings: Settings) -> dg.MonthlyPartitionsDefinition:
    """Months from the type's first published file (in the source format) to the month now
    running on the schedule's wall clock (end_offset=1): the months `sync` counts as due."""
    first = taxi.first_published(settings.source_format)
    return dg.MonthlyPartitionsDefinition(
        start_date=datetime(first.year, first.month, 1),
        timezone=settings.schedule_tz.key,
        fmt=MONTH_FORMAT,
        end_offset=1,
    )


def month_metadata(result: LoadResult, record: ManifestRecord | None) -> dict[str, object]:
    """What a data engineer reads of a landed month in the UI."""
    metadata: dict[str, object] = {
        "status": result.status,
        "rows": dg.MetadataValue.int(result.rows),
        "bytes compressed": dg.MetadataValue.int(result.bytes_compressed),
        "bytes landed": dg.MetadataValue.int(result.bytes_uncompressed),
        "file": result.file,
        "uri": dg.MetadataValue.path(result.uri),
        "format": "parquet" if result.file.endswith(".parquet") else "csv",
        "seconds": dg.MetadataValue.float(round(result.seconds, 3)),
    }
    if record is not None:
        metadata["crc32c"] = record.crc32c
        metadata["source"] = dg.MetadataValue.url(record.source_url)
        metadata["landed at"] = record.landed_at
        if record.md5:
            metadata["md5"] = record.md5
    return metadata


def landed_file_asset(taxi: TaxiType, settings: Settings) -> dg.AssetsDefinition:
    @dg.asset(
        key=landed_file_key(taxi),
        partitions_def=month_partitions(taxi, settings),
        backfill_policy=dg.BackfillPolicy.single_run(),
        group_name=LANDING_GROUP,
        kinds={"python", "parquet" if settings.source_format == "parquet" else "csv"},
        description=f"The landed {taxi.name} trip files ({taxi.description}), one a month: "
        f"fetched from {settings.source_url}, checked value by value, landed whole in "
        f"{settings.landing_uri}.",
    )
    def landed(
        context: AssetExecutionContext,
    ) -> Iterator[dg.AssetMaterialization | dg.MaterializeResult]:
        months = [Month.parse(key) for key in context.partition_keys]
        results, failures = land_months(settings, taxi, months)
        landing = open_landing(settings)  # the records of these months only, not the folder
        per_month = {
            result.month: month_metadata(
                result,
                read_record(landing, taxi, Month.parse(result.month), settings.source_format),
            )
            for result in results
        }
        if failures:
            # The months that landed are materialized; the run fails on the others, each with
            # the loader's own line (a range's run cannot mark single months failed).
            for month, metadata in per_month.items():
                yield dg.AssetMaterialization(context.asset_key, partition=month, metadata=metadata)
            raise dg.Failure(
                description="; ".join(f"{f.taxi} {f.month}: {f.reason}" for f in failures),
                metadata={"failed": len(failures), "landed": len(results)},
            )
        if len(months) == 1:
            yield dg.MaterializeResult(metadata=per_month[str(months[0])])
        else:
            yield dg.MaterializeResult(metadata=range_metadata(results))

    return landed


def land_months(
    settings: Settings, taxi: TaxiType, months: list[Month]
) -> tuple[list[LoadResult], list[Failure]]:
    """The loader's landing of the months, recorded in the run history as the CLI's runs are."""
    run = Run("dagster")
    with Console(len(months), bars=False) as console:
        results, failures = land_many(
            settings, [(taxi, month) for month in months], jobs=LANDING_JOBS, console=console
        )
    save_run(settings, run.finish(results, failures))
    return results, failures


def range_metadata(results: list[LoadResult]) -> dict[str, object]:
    rows = "\n".join(
        f"| {r.month} | {r.status} | {r.rows:,} | {r.bytes_uncompressed:,} |" for r in results
    )
    table = "| month | status | rows | bytes landed |\n|---|---|---:|---:|\n" + rows
    return {
        "months": len(results),
        "rows": dg.MetadataValue.int(sum(r.rows for r in results)),
        "landed": sum(r.status != "unchanged" for r in results),
        "unchanged": sum(r.status == "unchanged" for r in results),
        "by month": dg.MetadataValue.md(table),
    }
