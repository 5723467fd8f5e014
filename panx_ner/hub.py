"""Telling Hub ids from local folders, and failing fast when the Hub is out of reach."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from urllib.parse import urlparse

from panx_ner.errors import PipelineError

HUB_TIMEOUT_S = 5.0


def is_local_path(source: str) -> bool:
    """Local folders are written as paths; Hub ids look like `owner/name` or `name`."""
    return source.startswith((".", "/", "~")) or Path(source).exists()


def ensure_hub_reachable(repo_id: str, key: str, local_example: str) -> None:
    """Fails in seconds, not after minutes of retries, when a Hub id is used without network.

    With HF_HUB_OFFLINE=1 the libraries read their local cache instead, so nothing is checked.
    """
    if os.environ.get("HF_HUB_OFFLINE", "0").lower() in ("1", "true", "yes"):
        return
    section = key.split(".")[0]  # dataset or model: DVC hashes <section>.tracked, which must name the same folder
    endpoint = urlparse(os.environ.get("HF_ENDPOINT", "https://huggingface.co"))
    host = endpoint.hostname or "huggingface.co"
    port = endpoint.port or (443 if endpoint.scheme == "https" else 80)
    try:
        socket.create_connection((host, port), timeout=HUB_TIMEOUT_S).close()
    except OSError as error:
        raise PipelineError(
            f"{key}: cannot reach the Hugging Face Hub ({host}: {error.strerror or error}) to load {repo_id!r}; "
            f"point {key} and {section}.tracked at a local folder instead, e.g. "
            f"`dvc exp run -S {key}={local_example} -S {section}.tracked={local_example}`"
        ) from None
