from __future__ import annotations

from django_tasks import task

from vanthu.search.index import incoming_extract_and_index


@task()
def incoming_index_files(*, document_id: int) -> None:
    """Extract the text of a document's files and refresh its search entry."""
    incoming_extract_and_index(document_id=document_id)
