"""Incoming documents: list, create (multipart), detail, file download, metadata update, counters."""

from __future__ import annotations

import importlib
from typing import Any

import pydantic
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router
from ninja.errors import ValidationError as NinjaValidationError
from ninja.files import UploadedFile

from vanthu.api.auth import request_actor
from vanthu.api.schemas import (
    LIST_COUNT_CAP,
    AssignmentOut,
    CountersOut,
    ErrorOut,
    FileOut,
    IncomingDetailOut,
    IncomingMetadataIn,
    IncomingPage,
    IncomingPatchIn,
    IncomingQuery,
    PathId,
    TimelineEventOut,
)
from vanthu.core.blobs import blob_open
from vanthu.core.errors import NotFoundError
from vanthu.core.files import upload_content
from vanthu.documents.inputs import IncomingInput
from vanthu.documents.models import DocumentFile, IncomingDocument
from vanthu.documents.selectors import (
    HomeCounters,
    IncomingFilters,
    incoming_counters_for_user,
    incoming_get_for_user,
    incoming_list_for_user,
)
from vanthu.documents.services import incoming_create, incoming_update
from vanthu.documents.timeline import event_label, incoming_timeline
from vanthu.organizations.actor import Actor

router = Router(tags=["Văn bản đến"])

ERRORS: dict[int, type[ErrorOut]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


class IncomingDetail:
    """A document with its files, assignments and timeline; every other attribute reads through."""

    def __init__(self, document: IncomingDocument, files: list[FileOut], assignments: list[AssignmentOut],
                 timeline: list[TimelineEventOut]) -> None:
        self.document = document
        self.files = files
        self.assignments = assignments
        self.timeline = timeline

    def __getattr__(self, name: str) -> Any:
        return getattr(self.document, name)


def incoming_detail(*, actor: Actor, document_id: int) -> IncomingDetail:
    """The document as the actor may see it (404 otherwise), with what the detail view shows."""
    document = incoming_get_for_user(actor=actor, document_id=document_id)
    files = [
        FileOut(
            id=f.pk, role=f.role, filename=f.filename, content_type=f.content_type, size=f.blob.size,
            sha256=f.blob.sha256, page_count=f.page_count,
            download_url=reverse("api:incoming_file", kwargs={"document_id": document.pk, "file_id": f.pk}),
        )
        for f in document.files.select_related("blob").order_by("role", "id")
    ]
    assignments = [
        AssignmentOut.from_orm(a) for a in document.assignments.select_related("unit", "user").order_by("id")
    ]
    timeline = [
        TimelineEventOut(at=e.created_at, event_type=e.event_type, label=event_label(e.event_type),
                         actor=str(e.actor) if e.actor else None, data=e.data)
        for e in incoming_timeline(document=document)
    ]
    return IncomingDetail(document, files, assignments, timeline)


def _search(actor: Actor, query: str, filters: IncomingFilters) -> QuerySet[IncomingDocument]:
    """Full-text search when the search app provides it; a subject match until then."""
    try:
        search = getattr(importlib.import_module("vanthu.search.selectors"), "incoming_search", None)
    except ImportError:
        search = None
    if search is None:
        return incoming_list_for_user(actor=actor, filters=filters).filter(subject__icontains=query)
    result: QuerySet[IncomingDocument] = search(actor=actor, query=query, filters=filters)
    return result


@router.get("/incoming/counters", response={200: CountersOut, **ERRORS},
            summary="Bộ đếm: chờ vào sổ, chờ xử lý, quá hạn, sắp đến hạn")
def incoming_counters(request: HttpRequest) -> HomeCounters:
    return incoming_counters_for_user(actor=request_actor(request))


@router.get("/incoming", response={200: IncomingPage, **ERRORS}, summary="Danh sách văn bản đến")
def incoming_list(request: HttpRequest, params: Query[IncomingQuery]) -> dict[str, Any]:
    actor = request_actor(request)
    filters = IncomingFilters(
        state=params.state or "", box=params.box or "", document_type_id=params.document_type_id,
        issuer=params.issuer.strip(), date_from=params.date_from, date_to=params.date_to,
        handler_id=params.handler_id,
    )
    query = params.q.strip()
    qs = _search(actor, query, filters) if query else incoming_list_for_user(actor=actor, filters=filters)
    window = qs[params.offset: params.offset + params.limit]
    # Count at most LIST_COUNT_CAP + 1 rows (COUNT over a LIMIT subquery), like the web list: an exact count of a
    # province's 100,000 documents costs more than the page itself.
    counted = qs[: LIST_COUNT_CAP + 1].count()
    return {"count": min(counted, LIST_COUNT_CAP), "count_capped": counted > LIST_COUNT_CAP, "limit": params.limit,
            "offset": params.offset, "items": list(window)}


def _metadata(raw: str) -> IncomingMetadataIn:
    try:
        return IncomingMetadataIn.model_validate_json(raw)
    except pydantic.ValidationError as exc:
        errors = [{**e, "loc": ("form", "metadata", *e["loc"])} for e in exc.errors(include_url=False)]
        raise NinjaValidationError(errors) from exc


@router.post("/incoming", response={201: IncomingDetailOut, **ERRORS},
             summary="Vào sổ văn bản đến giấy (multipart: metadata JSON và các tệp)")
def incoming_create_view(
    request: HttpRequest,
    metadata: Form[str],
    main_file: File[UploadedFile | None] = None,
    attachments: File[list[UploadedFile] | None] = None,
) -> tuple[int, IncomingDetail]:
    actor = request_actor(request)
    meta = _metadata(metadata)
    fields = meta.model_dump(exclude={"register_id"})
    data = IncomingInput(
        **fields,
        main_file=upload_content(main_file) if main_file else None,
        attachments=tuple(upload_content(a) for a in attachments or ()),
    )
    document = incoming_create(actor=actor, data=data, register_id=meta.register_id)
    return 201, incoming_detail(actor=actor, document_id=document.pk)


@router.get("/incoming/{document_id}", response={200: IncomingDetailOut, **ERRORS},
            summary="Chi tiết văn bản đến: thông tin, tệp, phân công, quá trình xử lý")
def incoming_get(request: HttpRequest, document_id: PathId) -> IncomingDetail:
    return incoming_detail(actor=request_actor(request), document_id=document_id)


# The file's bytes, in the type it was stored as (core/files: PDF, or a DOCX/ODT source).
FILE_CONTENT = {media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in (
    "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text")}


@router.get("/incoming/{document_id}/files/{file_id}", url_name="incoming_file",
            response={200: None, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
            summary="Tải tệp của văn bản",
            openapi_extra={"responses": {200: {"description": "Nội dung tệp", "content": FILE_CONTENT}}})
def incoming_file(request: HttpRequest, document_id: PathId, file_id: PathId) -> FileResponse:
    document = incoming_get_for_user(actor=request_actor(request), document_id=document_id)
    file = DocumentFile.objects.select_related("blob").filter(pk=file_id, incoming=document).first()
    if file is None:
        raise NotFoundError("not_found", _("Không tìm thấy tệp."))
    return FileResponse(blob_open(file.blob), as_attachment=True, filename=file.filename,
                        content_type=file.content_type)


@router.patch("/incoming/{document_id}", response={200: IncomingDetailOut, **ERRORS},
              summary="Sửa thông tin văn bản đến (chỉ các trường được gửi)")
def incoming_patch(request: HttpRequest, document_id: PathId, payload: IncomingPatchIn) -> IncomingDetail:
    actor = request_actor(request)
    document = incoming_get_for_user(actor=actor, document_id=document_id)
    changes = payload.model_dump(exclude_unset=True)
    current: dict[str, Any] = {name: getattr(document, name) for name in IncomingPatchIn.model_fields}
    current.update(changes)
    incoming_update(actor=actor, document_id=document.pk, data=IncomingInput(issuer_id=document.issuer_id, **current))
    return incoming_detail(actor=actor, document_id=document.pk)
