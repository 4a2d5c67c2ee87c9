"""The register books by kind: which registers a reader may open, the documents of a book and its rows, for the
incoming books and the outgoing one alike (what the one register screen needs)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet

from vanthu.core.periods import Period
from vanthu.documents.models import Register
from vanthu.documents.registers.book import BookKind, BookRow, RegisterBook
from vanthu.documents.registers.outgoing import (
    outgoing_register_documents,
    outgoing_register_get_for_user,
    outgoing_register_rows,
    outgoing_registers_for_user,
)
from vanthu.documents.registers.rows import (
    book_title,
    incoming_registers_for_user,
    register_documents,
    register_get_for_user,
    register_rows,
)
from vanthu.organizations.actor import Actor


def registers_for_book(*, actor: Actor, kind: str) -> list[Register]:
    """The registers a book of ``kind`` can be printed from, for this reader (clerks and leaders only)."""
    if kind == BookKind.OUTGOING:
        return outgoing_registers_for_user(actor=actor)
    return incoming_registers_for_user(actor=actor)


def book_register_get(*, actor: Actor, kind: str, register_id: int) -> Register:
    if kind == BookKind.OUTGOING:
        return outgoing_register_get_for_user(actor=actor, register_id=register_id)
    return register_get_for_user(actor=actor, register_id=register_id)


def book_documents(*, actor: Actor, kind: str, register: Register, period: Period) -> QuerySet[Any]:
    """The documents of the book in its order; ``register`` must come from :func:`book_register_get`."""
    if kind == BookKind.OUTGOING:
        return outgoing_register_documents(actor=actor, register=register, period=period)
    return register_documents(actor=actor, register=register, period=period)


def book_of(*, kind: str, register: Register, period: Period, documents: Iterable[Any]) -> RegisterBook:
    """The book of ``documents`` (all of the period, or one screen's page of them)."""
    rows: tuple[BookRow, ...]
    if kind == BookKind.OUTGOING:
        rows, title = outgoing_register_rows(documents), register.name
    else:
        rows, title = register_rows(kind=kind, documents=documents), book_title(kind=kind, register=register)
    return RegisterBook(agency_name=register.agency.name, title=title, period=period, kind=kind, rows=rows)


def register_book(*, actor: Actor, register_id: int, kind: str, period: Period) -> RegisterBook:
    """The whole book of ``kind`` for the period, ready to print or export."""
    register = book_register_get(actor=actor, kind=kind, register_id=register_id)
    documents = book_documents(actor=actor, kind=kind, register=register, period=period)
    return book_of(kind=kind, register=register, period=period, documents=documents)
