"""The official SDK's environment switches, read with the SDK's meaning (pasqal-cloud 0.24,
`http_client.py`): a switch is on when its variable is set to any non-empty value, so
`PASQAL_SKIP_SSL_VERIFY=0` turns it on too, exactly as for the SDK.

- PASQAL_SKIP_SSL_VERIFY: do not verify TLS certificates (test deployments only).
- PASQAL_SKIP_GZIP_REQUEST_BODY: send create-batch and add-jobs bodies uncompressed.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

SKIP_SSL_VERIFY = "PASQAL_SKIP_SSL_VERIFY"
SKIP_GZIP_REQUEST_BODY = "PASQAL_SKIP_GZIP_REQUEST_BODY"


def switch_on(name: str, environ: Mapping[str, str] | None = None) -> bool:
    """True when `name` is set to a non-empty value (the SDK's `bool(os.getenv(name, False))`)."""
    source = os.environ if environ is None else environ
    return bool(source.get(name, ""))
