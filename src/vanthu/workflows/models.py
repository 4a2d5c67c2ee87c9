from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vanthu.organizations.models import Unit
from vanthu.workflows.enums import AssignmentState, HandlerRole, NoteKind


class Direction(models.Model):
    """Ý kiến chỉ đạo: a leader's minute on an incoming document. A re-direction supersedes the previous one."""

    incoming = models.ForeignKey("documents.IncomingDocument", on_delete=models.CASCADE, related_name="directions")
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    instruction = models.TextField(_("ý kiến chỉ đạo"), blank=True)
    due_date = models.DateField(_("hạn xử lý"), null=True, blank=True)
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incoming", "-created_at"]

    def __str__(self) -> str:
        return f"{self.incoming_id}: {self.instruction[:60]}"


class Assignment(models.Model):
    """Giao xử lý: a handler (unit or person) with a role on a document.

    Top-level assignments come from a direction; a unit leader's hand-over to a specialist is a child assignment
    (``parent``) with the same role and an equal or earlier sub-deadline.
    """

    incoming = models.ForeignKey("documents.IncomingDocument", on_delete=models.CASCADE, related_name="assignments")
    direction = models.ForeignKey(Direction, on_delete=models.CASCADE, related_name="assignments")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    role = models.CharField(max_length=12, choices=HandlerRole.choices)
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="assignments"
    )
    state = models.CharField(max_length=12, choices=AssignmentState.choices, default=AssignmentState.PENDING)
    due_date = models.DateField(_("hạn xử lý"), null=True, blank=True)
    instruction = models.TextField(blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result_note = models.TextField(blank=True)

    class Meta:
        ordering = ["incoming", "id"]
        indexes = [
            models.Index(fields=["user", "state"]),
            models.Index(fields=["unit", "state"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__isnull=False) | models.Q(user__isnull=False), name="assignment_has_handler"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user or self.unit}"

    @property
    def handler_name(self) -> str:
        if self.user is not None:
            return str(self.user)
        return str(self.unit)


class ProcessingNote(models.Model):
    """Progress, opinions and co-operation input recorded by a handler."""

    incoming = models.ForeignKey("documents.IncomingDocument", on_delete=models.CASCADE, related_name="notes")
    assignment = models.ForeignKey(Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=NoteKind.choices, default=NoteKind.PROGRESS)
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["incoming", "created_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"
