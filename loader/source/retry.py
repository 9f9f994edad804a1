"""The one retry layer: a bounded number of tries with exponential backoff and jitter.

Only TransientSourceError is retried; the server's Retry-After wins over the backoff when it
is longer (capped). Each retry says on stderr what failed and when the next try is; when the
tries are spent the last failure becomes a SourceError that says what to do.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from loader.errors import SourceError, TransientSourceError

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_BACKOFF = 60.0


def with_retries(tries: int, backoff: float, attempt: Callable[[], T]) -> T:
    """Run `attempt` until it succeeds, fails for good, or `tries` attempts are spent."""
    exponential = wait_exponential_jitter(initial=backoff, max=MAX_BACKOFF, jitter=backoff)

    def wait(state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = getattr(error, "retry_after", None) or 0.0
        return max(asked, exponential(state))

    def announce(state: RetryCallState) -> None:
        error = state.outcome.exception() if state.outcome else None
        seconds = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "retrying in %.1f s (try %d of %d): %s",
            seconds,
            state.attempt_number + 1,
            tries,
            error,
        )

    retrying = Retrying(
        stop=stop_after_attempt(max(tries, 1)),
        wait=wait,
        retry=retry_if_exception_type(TransientSourceError),
        reraise=True,
        before_sleep=announce,
    )
    try:
        return retrying(attempt)
    except TransientSourceError as error:
        raise SourceError(
            f"{error} after {tries} {'try' if tries == 1 else 'tries'}; {error.advice}"
        ) from error
