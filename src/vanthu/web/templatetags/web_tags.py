"""Small template helpers of the web UI: the membership switcher and badge colours."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms import BoundField

from vanthu.documents.enums import IncomingState, Priority
from vanthu.organizations.models import Membership, User
from vanthu.workflows.enums import AssignmentState

register = template.Library()

STATE_CLASSES = {
    IncomingState.ARRIVED: "warning",
    IncomingState.RETURNED: "secondary",
    IncomingState.REGISTERED: "info",
    IncomingState.PRESENTED: "primary",
    IncomingState.ASSIGNED: "primary",
    IncomingState.IN_PROGRESS: "primary",
    IncomingState.COMPLETED: "success",
    IncomingState.RECALL_PENDING: "dark",
    IncomingState.RECALLED: "dark",
    AssignmentState.PENDING: "warning",
    AssignmentState.DONE: "success",
    AssignmentState.READ: "success",
    AssignmentState.CANCELLED: "secondary",
}


@register.simple_tag(takes_context=True)
def acting_memberships(context: dict[str, Any]) -> list[Membership]:
    """The memberships the signed-in user can switch between (empty for anonymous visitors)."""
    actor = context.get("actor")
    user = getattr(actor, "user", None) if actor else None
    if not isinstance(user, User):
        return []
    # One query: the switcher shows agency and unit only, so the roles are not fetched.
    return list(
        Membership.objects.filter(user=user, is_active=True, agency__is_active=True)
        .select_related("agency", "unit").order_by("id")
    )


@register.filter
def state_class(state: str) -> str:
    return str(STATE_CLASSES.get(state, "secondary"))  # type: ignore[call-overload]


@register.filter
def priority_class(priority: int) -> str:
    """Urgent documents stand out: khẩn orange, thượng khẩn and hỏa tốc red."""
    if priority >= Priority.VERY_URGENT:
        return "danger"
    if priority == Priority.URGENT:
        return "warning"
    return ""


@register.filter
def bs(field: BoundField) -> str:
    """Render a form field's widget with the Bootstrap class its kind needs (and the invalid state)."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select):  # includes SelectMultiple
        css = "form-select"
    else:
        css = "form-control"
    if field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})
