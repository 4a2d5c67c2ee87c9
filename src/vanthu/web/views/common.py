"""What the HTML views of documents share: the permission-checked getters and POST actions that answer with a
message on the page they came from (refusals become error pages in ``core.http.errors``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect

from vanthu.core.errors import ApplicationError, NotFoundError, PermissionDeniedError
from vanthu.core.http.errors import error_page
from vanthu.documents.models import IncomingDocument
from vanthu.documents.selectors import incoming_get_for_user
from vanthu.organizations.actor import Actor

P = ParamSpec("P")
T = TypeVar("T")

def document_or_404(actor: Actor, pk: int) -> IncomingDocument:
    """The incoming document through the permission-checked getter; "missing" and "not yours" are both 404."""
    try:
        return incoming_get_for_user(actor=actor, document_id=pk)
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc


def form_errors_text(form: forms.BaseForm) -> str:
    """All errors of a small action form as one message line."""
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        text = " ".join(str(e) for e in errors)
        parts.append(f"{label}: {text}" if label else text)
    return " ".join(parts)


def error_response(request: HttpRequest, exc: ApplicationError, *, back_to: str) -> HttpResponse:
    """Not found and "not yours" are their error pages (``core.http.errors``); anything else a message and back."""
    if isinstance(exc, NotFoundError | PermissionDeniedError):
        return error_page(request, exc)
    messages.error(request, str(exc.message))
    return HttpResponseRedirect(back_to)


def run_action(
    request: HttpRequest, action: Callable[[], T], *, success: str, back_to: str | Callable[[T], str]
) -> HttpResponse:
    """Run one service call for a POST form and answer with a redirect (POST/redirect/GET)."""
    fallback = back_to if isinstance(back_to, str) else request.path
    try:
        result = action()
    except ApplicationError as exc:
        return error_response(request, exc, back_to=fallback)
    messages.success(request, success)
    return HttpResponseRedirect(back_to if isinstance(back_to, str) else back_to(result))


# Names used by services in ApplicationError.extra["fields"] that differ from the form's field names.
FIELD_ALIASES = {"document_type_id": "document_type", "issuer_id": "organ_name"}


def form_add_error(form: forms.BaseForm, exc: ApplicationError) -> None:
    """Show a service refusal on the form: on the named fields when the service says which, else on top."""
    fields = exc.extra.get("fields") if isinstance(exc.extra, dict) else None
    placed = False
    if isinstance(fields, dict):
        for name, text in fields.items():
            target = FIELD_ALIASES.get(name, name)
            if target in form.fields:
                messages_for = text if isinstance(text, list) else [text]
                for message in messages_for:
                    form.add_error(target, str(message))
                placed = True
    if not placed:
        form.add_error(None, str(exc.message))
