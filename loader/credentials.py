"""Google credentials for the GCS landing and for reading BigQuery, in one order everywhere.

1. GOOGLE_APPLICATION_CREDENTIALS: a service-account key file.
2. GCP_SERVICE_ACCOUNT: a base64-encoded service-account JSON (environment or .env), decoded
   in memory only: never written to disk, never echoed in an error or a log line.
3. Application Default Credentials (gcloud auth application-default login, a VM's account).

The errors here drop their cause (`from None`), unlike the rest of the loader: a key parser's
error can quote the key it failed to read, and `--debug` prints causes.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from typing import Any

from google.auth import exceptions as auth_exceptions
from google.auth.credentials import Credentials

from loader.errors import UsageError


def google_credentials() -> tuple[Credentials, str | None]:
    """(credentials, project); a UsageError with one actionable line if none is usable."""
    from google.oauth2 import service_account

    project = os.environ.get("GCP_PROJECT_ID") or None
    key_file = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    encoded = os.environ.get("GCP_SERVICE_ACCOUNT")
    if not key_file and not encoded:
        import google.auth

        try:
            credentials, default_project = google.auth.default()
        except auth_exceptions.DefaultCredentialsError:
            raise UsageError(
                "no Google credentials: set GOOGLE_APPLICATION_CREDENTIALS or "
                "GCP_SERVICE_ACCOUNT, or run `gcloud auth application-default login`"
            ) from None
        return credentials, project or default_project
    which = "GOOGLE_APPLICATION_CREDENTIALS" if key_file else "GCP_SERVICE_ACCOUNT"
    try:
        if key_file:
            credentials = service_account.Credentials.from_service_account_file(key_file)
        else:
            credentials = service_account.Credentials.from_service_account_info(
                _decode_service_account(encoded or "")
            )
    except FileNotFoundError:
        raise UsageError(
            "GOOGLE_APPLICATION_CREDENTIALS names a key file that does not exist; "
            "fix the path or unset it"
        ) from None
    except (ValueError, KeyError, TypeError, auth_exceptions.GoogleAuthError) as error:
        # Never echo the error text: it can quote the key it failed to read.
        raise UsageError(
            f"{which} is not a usable service-account key ({type(error).__name__}); "
            "create a new JSON key for the service account"
        ) from None
    return credentials, project or getattr(credentials, "project_id", None)


def _decode_service_account(encoded: str) -> dict[str, Any]:
    try:
        info = json.loads(base64.b64decode(encoded.strip(), validate=True))
    except (binascii.Error, ValueError):
        raise ValueError("not base64 JSON") from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise ValueError("not a service-account key")
    return info
