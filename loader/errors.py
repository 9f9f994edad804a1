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
    """A failure worth retrying: the connection dropped, a read timed out."""


class ValidationError(LoaderError):
    """The file is not a complete, well-formed trip file; it was rejected whole."""


class LandingError(LoaderError):
    """The landing zone could not take the file (permissions, disk full, bucket)."""
