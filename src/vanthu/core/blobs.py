"""Content-addressed blob storage behind Django's storage API (local folder or S3-compatible)."""

from __future__ import annotations

import hashlib
from typing import IO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction

from vanthu.core.models import Blob


def _storage_name(sha256: str) -> str:
    return f"blobs/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def blob_store(*, content: bytes, content_type: str) -> Blob:
    """Store bytes once; storing the same bytes again returns the existing blob."""
    sha256 = hashlib.sha256(content).hexdigest()
    existing = Blob.objects.filter(sha256=sha256).first()
    if existing is not None:
        return existing
    name = _storage_name(sha256)
    if default_storage.exists(name) and default_storage.size(name) != len(content):
        # A write cut short (crash, full disk) left a truncated file under this hash: replace it.
        default_storage.delete(name)
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(content))
        if saved != name:  # a racing writer stored the same content first; keep one copy
            default_storage.delete(saved)
    try:
        with transaction.atomic():
            return Blob.objects.create(
                sha256=sha256, size=len(content), content_type=content_type, storage_name=name
            )
    except IntegrityError:
        return Blob.objects.get(sha256=sha256)


def blob_open(blob: Blob) -> IO[bytes]:
    return default_storage.open(blob.storage_name, "rb")


def blob_read(blob: Blob) -> bytes:
    with blob_open(blob) as fh:
        data: bytes = fh.read()
    return data
