"""How failures of the file system and of Cloud Storage become LandingErrors: in one place.

Each keeps its cause (`raise ... from error`), so `--debug` shows the root of it; the CLI
prints only the message, one line.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from loader.errors import LandingError, UsageError


@contextmanager
def local_errors(path: Path | str, doing: str = "write") -> Iterator[None]:
    """OSError -> LandingError naming the path and what to do."""
    try:
        yield
    except OSError as error:
        if error.errno == errno.ENOSPC:
            raise LandingError(
                f"the landing folder is full (no space left on device) writing {path}; "
                "free space and load again"
            ) from error
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise LandingError(
                f"cannot {doing} {path} ({error.strerror}); check LANDING_URI and permissions"
            ) from error
        raise LandingError(f"cannot {doing} {path} ({error.strerror})") from error


@cache
def gcs_failures() -> tuple[type[BaseException], ...]:
    """What a call to Cloud Storage can raise (imported only when a gs:// landing is used)."""
    from google.api_core import exceptions as api_exceptions
    from google.auth import exceptions as auth_exceptions
    from google.cloud.storage import exceptions as storage_exceptions
    from requests import exceptions as requests_exceptions

    return (
        api_exceptions.GoogleAPIError,
        storage_exceptions.InvalidResponse,  # a chunk of a resumable upload answered an error
        storage_exceptions.DataCorruption,  # the upload's checksum did not match
        requests_exceptions.RequestException,
        auth_exceptions.GoogleAuthError,
        ConnectionError,
        TimeoutError,
    )


def gcs_reason(error: BaseException) -> str:
    text = getattr(error, "message", None) or str(error) or type(error).__name__
    return f"{type(error).__name__}: {text.splitlines()[0][:160]}"


@contextmanager
def gcs_errors(what: str) -> Iterator[None]:
    """A failed Cloud Storage call -> LandingError('cannot <what> (...)')."""
    try:
        yield
    except LandingError:
        raise
    except gcs_failures() as error:
        raise LandingError(f"cannot {what} ({gcs_reason(error)})") from error


def gcs_access_error(bucket: str, error: BaseException) -> Exception:
    """Why a first call to the bucket failed, as the error to raise (bucket, grants, network)."""
    from google.api_core import exceptions as api_exceptions
    from google.auth import exceptions as auth_exceptions

    if isinstance(error, api_exceptions.NotFound):
        return LandingError(f"bucket gs://{bucket} does not exist; create it or fix LANDING_URI")
    if isinstance(error, api_exceptions.Forbidden):
        return LandingError(
            f"the credentials may not use gs://{bucket} (403); grant the service account "
            "Storage Object Admin on the bucket"
        )
    if isinstance(error, auth_exceptions.RefreshError):
        # The refresh error's text can quote the key: name its type only.
        return UsageError(
            f"the Google credentials were refused ({type(error).__name__}); check the key"
        )
    if isinstance(error, auth_exceptions.TransportError):
        return LandingError(
            "cannot get a Google access token (the token endpoint is unreachable); "
            "check the network"
        )
    return LandingError(f"cannot reach gs://{bucket} ({type(error).__name__}); check the network")
