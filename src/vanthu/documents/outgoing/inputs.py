"""Input specs of the outgoing services (forms, API, demo loader)."""

from __future__ import annotations

from dataclasses import dataclass, field

from vanthu.documents.enums import Channel


@dataclass(frozen=True)
class CoSignerInput:
    """A co-signer chosen at drafting: a leader of the drafting agency, or of another agency of the deployment for a
    joint document (văn bản liên tịch). They sign in the order given, before the main signer."""

    signer_id: int
    agency_id: int | None = None  # None: the drafting agency
    signing_capacity: str = ""
    signer_title: str = ""


@dataclass(frozen=True)
class OutgoingInput:
    document_type_id: int
    subject: str
    summary: str = ""
    priority: int = 0
    confidentiality: int = 0
    signer_id: int | None = None
    signing_capacity: str = ""
    signer_title: str = ""
    recipient_ids: tuple[int, ...] = ()
    to_places: str = ""
    is_internal: bool = False
    copy_count: int = 1
    reply_to_id: int | None = None
    channel: str = Channel.ELECTRONIC
    drafting_unit_id: int | None = None
    cosigners: tuple[CoSignerInput, ...] = ()


@dataclass(frozen=True)
class TemplateInput:
    """The text a drafter types into a built-in ND30 template."""

    body: str
    addressees: str = ""
    authority: str = ""  # "GIÁM ĐỐC" for "KT. GIÁM ĐỐC"
    place_name: str = ""  # defaults to the agency's địa danh


@dataclass(frozen=True)
class RouteStep:
    """One reviewer of the route. Consecutive steps with the same ``parallel_group`` review at the same time."""

    reviewer_id: int
    kind: str
    parallel_group: int | None = None


@dataclass(frozen=True)
class Route:
    steps: tuple[RouteStep, ...] = field(default_factory=tuple)
