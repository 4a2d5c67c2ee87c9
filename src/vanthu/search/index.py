from __future__ import annotations

from vanthu.core.blobs import blob_read
from vanthu.documents.files import text_extract
from vanthu.documents.models import DocumentFile


def incoming_extract_and_index(*, document_id: int) -> None:
    for file in DocumentFile.objects.filter(incoming_id=document_id, text="").select_related("blob"):
        text = text_extract(content=blob_read(file.blob), content_type=file.content_type)
        if text:
            DocumentFile.objects.filter(pk=file.pk).update(text=text)
