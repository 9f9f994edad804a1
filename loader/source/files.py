"""A local folder (or file:// URL) in the release layout, read like a download."""

from __future__ import annotations

import email.utils
import os
from pathlib import Path

from loader.errors import NotPublishedError, SourceError
from loader.source.download import CHUNK_SIZE, Download


def local_path(url: str) -> Path:
    return Path(url[len("file://") :] if url.startswith("file://") else url)


def open_file(url: str, label: str, if_validator: str | None) -> Download | None:
    path = local_path(url)
    try:
        handle = path.open("rb")
    except FileNotFoundError as error:
        raise NotPublishedError(
            f"{label}: {path.name} is not in the source folder ({path.parent}); check the "
            "month and TLC_SOURCE_URL"
        ) from error
    except OSError as error:
        raise SourceError(f"{label}: cannot read {path} ({error.strerror})") from error
    stat = os.fstat(handle.fileno())
    validator = f"{stat.st_size}-{email.utils.formatdate(stat.st_mtime, usegmt=True)}"
    if if_validator is not None and if_validator == validator:
        handle.close()
        return None
    return Download(
        url=url,
        content_length=stat.st_size,
        validator=validator,
        chunks=iter(lambda: handle.read(CHUNK_SIZE), b""),
        _close=[handle.close],
    )
