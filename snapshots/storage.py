"""Where snapshot photos and plans are kept: out of MEDIA_ROOT, so nothing serves them by URL.

Photos of stairwells and doorways say where someone lives and when they were home. They are read
only through views that check who is asking (snapshots/views), never from /media/. Deployments
may name their own backend as ``STORAGES["snapshots"]`` (an S3 bucket without public access, say);
without one, files go to ``LINLI_PRIVATE_MEDIA_ROOT`` (default ``var/private``). When the default
storage is in memory (the test settings), so are these, so tests leave no files behind.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages


@functools.cache
def _resolve() -> Storage:
    if "snapshots" in settings.STORAGES:
        return storages["snapshots"]
    if settings.STORAGES.get("default", {}).get("BACKEND", "").endswith("InMemoryStorage"):
        return storages["default"]
    location = os.environ.get("LINLI_PRIVATE_MEDIA_ROOT") or getattr(settings, "LINLI_PRIVATE_MEDIA_ROOT", None)
    location = Path(location) if location else Path(settings.BASE_DIR) / "var" / "private"
    # base_url=None: these files have no URL of their own.
    return FileSystemStorage(location=location, base_url=None)


def private_storage() -> Storage:
    """A callable, so migrations don't freeze one deployment's choice of storage."""
    return _resolve()
