"""The landing zone: where validated files are published for dbt, with the manifest beside them.

One interface, two places: a local folder (local.py) and a Cloud Storage bucket (gcs.py).
A writer streams into a temporary beside the final name (one that dbt's file patterns never
match) and publishes with one atomic step, so a crash or a rejected file leaves nothing at
the final name. base.py states the interface, layout.py names every path; errors.py turns
failures into one-line errors.
"""

from __future__ import annotations

from pathlib import Path

from loader.config import Settings
from loader.landing.base import Landing, LandingWriter, ObjectStat

__all__ = ["Landing", "LandingWriter", "ObjectStat", "open_landing"]


def open_landing(settings: Settings) -> Landing:
    """The landing LANDING_URI names: gs://<bucket>/<prefix>, or a local folder."""
    if settings.landing_uri.startswith("gs://"):
        from loader.landing.gcs import GcsLanding

        return GcsLanding(settings.landing_uri, timeout=settings.http_timeout)
    from loader.landing.local import LocalLanding

    return LocalLanding(Path(settings.landing_uri))
