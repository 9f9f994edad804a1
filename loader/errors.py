"""Errors a user can act on. The CLI prints the message as one line and exits with the code."""

from __future__ import annotations


class LoaderError(Exception):
    """A failure with a message that says what is wrong and what to do."""

    exit_code = 1


class UsageError(LoaderError):
    """Bad arguments or configuration (exit 2)."""

    exit_code = 2


class SourceError(LoaderError):
    """The source could not deliver the file (HTTP error, not found, network)."""


class NotPublishedError(SourceError):
    """The source has no file for that month (HTTP 404 or no such local file)."""


class TransientSourceError(SourceError):
    """A failure worth retrying: the connection dropped, a read timed out, a 5xx or a 429.

    `advice` is what to tell the user once the tries are spent; `retry_after` is the wait the
    server asked for (Retry-After), if any.
    """

    def __init__(self, message: str, *, advice: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.advice = advice
        self.retry_after = retry_after


class ValidationError(LoaderError):
    """The file is not a complete, well-formed trip file; it was rejected whole."""


class LandingError(LoaderError):
    """The landing zone could not take the file (permissions, disk full, bucket)."""
