"""Input and output schemas of the API (typed, and the source of the OpenAPI document)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Schema
from ninja.params.functions import Path as path_param
from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from vanthu.documents.enums import CLOSED_STATES, IncomingState
from vanthu.documents.models import IncomingDocument
from vanthu.workflows.enums import AssignmentState, HandlerRole
from vanthu.workflows.models import Assignment

MAX_ID = 2**63 - 1  # the largest value of a BIGINT primary key
MAX_OFFSET = 1_000_000
MAX_WORKING_DAYS = 3650
MAX_PAGES = 100_000
LIST_COUNT_CAP = 10_000

# Every id the API reads (body, query or path) stays inside the database's integer range, so a huge number is a
# 400 in the error contract instead of an overflow deep in the database driver.
DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
PathId = Annotated[int, path_param(ge=1, le=MAX_ID)]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: Any) -> Any:
    """Only ``YYYY-MM-DD`` reads as a date: pydantic would also take a number as seconds since 1970, so that
    ``date_to=0`` meant 01/01/1970."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value.strip())):
        return value
    raise PydanticCustomError("date_format", "Input should be a date in the format YYYY-MM-DD")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]


class ErrorOut(Schema):
    code: str
    message: str
    extra: dict[str, Any]


# --- people and organisations ---------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    email: str


class AgencyOut(Schema):
    id: int
    name: str
    abbreviation: str
    organ_id: str | None


class UnitOut(Schema):
    id: int
    name: str
    abbreviation: str
    parent_id: int | None


class MembershipOut(Schema):
    id: int
    agency: AgencyOut
    unit: UnitOut | None
    position: str | None
    roles: list[str]
    is_current: bool


class MeOut(Schema):
    user: UserOut
    membership_id: int | None
    agency_id: int | None
    roles: list[str]
    memberships: list[MembershipOut]


class LeaderOut(Schema):
    user_id: int
    full_name: str
    position: str | None
    is_head: bool
    is_deputy: bool


class DocumentTypeOut(Schema):
    id: int
    code: str
    name: str
    abbreviation: str


# --- incoming documents ---------------------------------------------------------------------------------


def _is_overdue(document: IncomingDocument) -> bool:
    annotated = getattr(document, "is_overdue", None)
    if annotated is not None:
        return bool(annotated)
    return (document.due_date is not None and document.due_date < timezone.localdate()
            and document.state not in CLOSED_STATES)


class IncomingOut(Schema):
    id: int
    state: str
    state_label: str
    channel: str
    reference: str
    code_number: str
    code_notation: str
    subject: str
    organ_name: str
    document_type: DocumentTypeOut
    register_id: int | None
    arrival_year: int | None
    arrival_number: int | None
    arrival_date: dt.datetime | None
    arrived_at: dt.datetime
    issued_date: dt.date
    due_date: dt.date | None
    priority: int
    confidentiality: int
    is_overdue: bool

    @staticmethod
    def resolve_state_label(obj: IncomingDocument) -> str:
        return str(IncomingState(obj.state).label)

    @staticmethod
    def resolve_is_overdue(obj: IncomingDocument) -> bool:
        return _is_overdue(obj)


class IncomingPage(Schema):
    """``count`` stops at ``LIST_COUNT_CAP``; ``count_capped`` says there are more rows than that."""

    count: int
    count_capped: bool
    limit: int
    offset: int
    items: list[IncomingOut]


class FileOut(Schema):
    id: int
    role: str
    filename: str
    content_type: str
    size: int
    sha256: str
    page_count: int | None
    download_url: str


class AssignmentOut(Schema):
    id: int
    incoming_id: int
    parent_id: int | None
    role: str
    role_label: str
    state: str
    state_label: str
    handler_name: str
    unit_id: int | None
    user_id: int | None
    due_date: dt.date | None
    instruction: str
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    result_note: str

    @staticmethod
    def resolve_role_label(obj: Assignment) -> str:
        return str(HandlerRole(obj.role).label)

    @staticmethod
    def resolve_state_label(obj: Assignment) -> str:
        return str(AssignmentState(obj.state).label)


class TimelineEventOut(Schema):
    at: dt.datetime
    event_type: str
    label: str
    actor: str | None
    data: dict[str, Any]


class IncomingDetailOut(IncomingOut):
    organ_id: str
    description: str
    language: str
    page_amount: int | None
    signer_position: str
    signer_full_name: str
    to_places: str
    document_id: str
    requested_due_date: dt.date | None
    presented_to_id: int | None
    forwarded_at: dt.datetime | None
    completed_at: dt.datetime | None
    result_note: str
    reply_reference: str
    returned_reason: str
    note: str
    duplicate_of_id: int | None
    files: list[FileOut]
    assignments: list[AssignmentOut]
    timeline: list[TimelineEventOut]


class CountersOut(Schema):
    to_register: int
    to_handle: int
    overdue: int
    due_soon: int


class NoteOut(Schema):
    id: int
    incoming_id: int
    assignment_id: int | None
    kind: str
    text: str
    created_at: dt.datetime


# --- inputs ---------------------------------------------------------------------------------------------


class IncomingMetadataIn(Schema):
    """The ``metadata`` part of ``POST /incoming`` (ND30 Phụ lục VI fields, named as in edXML)."""

    document_type_id: DbId
    issued_date: IsoDate
    organ_name: str = Field(max_length=200)
    subject: str = Field(max_length=500)
    code_number: str = Field("", max_length=50)
    code_notation: str = Field("", max_length=50)
    organ_id: str = Field("", max_length=50)
    signer_position: str = Field("", max_length=100)
    signer_full_name: str = Field("", max_length=100)
    priority: int = Field(0, ge=0, le=4)
    confidentiality: int = Field(0, ge=0, le=3)
    to_places: str = Field("", max_length=1000)
    description: str = Field("", max_length=500)
    language: str = Field("Tiếng Việt", max_length=30)
    page_amount: int | None = Field(None, ge=1, le=MAX_PAGES)
    requested_due_date: IsoDate | None = None
    document_id: str = Field("", max_length=255)
    note: str = ""
    register_id: DbId | None = None


def _no_default(schema: dict[str, Any]) -> None:
    schema.pop("default", None)


def _omittable(**constraints: Any) -> Any:
    """A PATCH field that may be left out (unchanged) but is never null: its column always holds a value, so the
    OpenAPI document must not offer null (and null is refused like any wrong type)."""
    return Field(None, json_schema_extra=_no_default, **constraints)


class IncomingPatchIn(Schema):
    """Only the fields sent are changed; ``page_amount`` and ``requested_due_date`` may be set to null."""

    document_type_id: DbId = _omittable()
    issued_date: IsoDate = _omittable()
    organ_name: str = _omittable(max_length=200)
    subject: str = _omittable(max_length=500)
    code_number: str = _omittable(max_length=50)
    code_notation: str = _omittable(max_length=50)
    organ_id: str = _omittable(max_length=50)
    signer_position: str = _omittable(max_length=100)
    signer_full_name: str = _omittable(max_length=100)
    priority: int = _omittable(ge=0, le=4)
    confidentiality: int = _omittable(ge=0, le=3)
    to_places: str = _omittable(max_length=1000)
    description: str = _omittable(max_length=500)
    language: str = _omittable(max_length=30)
    page_amount: int | None = Field(None, ge=1, le=MAX_PAGES)
    requested_due_date: IsoDate | None = None
    document_id: str = _omittable(max_length=255)
    note: str = _omittable()


class RegisterIn(Schema):
    register_id: DbId | None = None


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


class PresentIn(Schema):
    leader_id: DbId
    note: str = Field("", max_length=2000)


class HandlerIn(Schema):
    unit_id: DbId | None = None
    user_id: DbId | None = None


class DirectIn(Schema):
    lead: HandlerIn
    cooperating: list[HandlerIn] = []
    informed: list[HandlerIn] = []
    instruction: str = Field("", max_length=4000)
    due_date: IsoDate | None = None
    due_in_working_days: int | None = Field(None, le=MAX_WORKING_DAYS)


class CloseIn(Schema):
    instruction: str = Field("", max_length=4000)


class ShareIn(Schema):
    user_id: DbId


class DelegateIn(Schema):
    user_ids: list[DbId] = Field(min_length=1, max_length=200)
    instruction: str = Field("", max_length=4000)
    due_date: IsoDate | None = None


class NoteIn(Schema):
    text: str = Field(min_length=1, max_length=10000)
    kind: Literal["PROGRESS", "OPINION"] = "PROGRESS"


class CompleteIn(Schema):
    result_note: str = Field("", max_length=10000)
    reply_reference: str = Field("", max_length=100)


class IncomingQuery(Schema):
    """Filters of ``GET /incoming`` (those of ``IncomingFilters``), a free-text ``q`` and paging."""

    state: IncomingState | None = None
    box: Literal["to_register", "to_handle", "overdue", "due_soon"] | None = None
    document_type_id: DbId | None = None
    issuer: str = Field("", max_length=200)
    date_from: IsoDate | None = None
    date_to: IsoDate | None = None
    handler_id: DbId | None = None
    q: str = Field("", max_length=200)
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)
