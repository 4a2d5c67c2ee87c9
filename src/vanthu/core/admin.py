"""Django admin for system administrators: titles, the read-only audit log, the work calendar.

Edits through the admin bypass the services, so ``AuditedAdmin`` writes the audit event itself, in the admin's
own transaction, to keep the audit trail complete (docs/architecture.md, house rule 3).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import BaseFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vanthu.core.audit import audit_record
from vanthu.core.models import AuditEvent, Holiday, WorkingWeekend

admin.site.site_header = _("Quản trị hệ thống Vanthu")
admin.site.site_title = _("Quản trị Vanthu")
admin.site.index_title = _("Danh mục quản trị")


def _plain(value: Any) -> Any:
    if isinstance(value, QuerySet):
        return sorted(str(item.pk) for item in value)
    if isinstance(value, models.Model):
        return value.pk
    return value


class AuditedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Writes ``<model>.admin_created`` / ``admin_changed`` / ``admin_deleted`` events for admin edits."""

    def audit_agency(self, obj: Any) -> Any:
        """The agency an event belongs to; subclasses name it."""
        return None

    def save_related(self, request: HttpRequest, form: ModelForm[Any], formsets: list[BaseFormSet[Any]],
                     change: bool) -> None:
        # Audited here rather than in save_model so that many-to-many values (roles) are already saved.
        super().save_related(request, form, formsets, change)
        obj = form.instance
        many_to_many = {field.name for field in obj._meta.many_to_many}
        # The saved value, not the submitted one: Agency.clean normalises the code before it is stored.
        changed = {
            name: _plain(form.cleaned_data.get(name) if name in many_to_many else getattr(obj, name, None))
            for name in form.changed_data
        }
        audit_record(
            actor=request.user if request.user.is_authenticated else None,
            event_type=f"{obj._meta.model_name}.admin_{'changed' if change else 'created'}",
            target=obj, agency=self.audit_agency(obj), data={"changed": changed, "via": "admin"},
        )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            self._audit_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self._audit_delete(request, obj)
            super().delete_queryset(request, queryset)

    def _audit_delete(self, request: HttpRequest, obj: Any) -> None:
        audit_record(
            actor=request.user if request.user.is_authenticated else None,
            event_type=f"{obj._meta.model_name}.admin_deleted", target=obj, agency=self.audit_agency(obj),
            data={"repr": str(obj), "via": "admin"},
        )


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Append-only: listed and searched, never added, edited or deleted (an edit would break the hash chain)."""

    list_display = ("created_at", "event_type", "actor", "agency", "target_type", "target_id")
    list_filter = ("event_type",)
    search_fields = ("event_type", "target_type", "target_id", "actor__username", "agency__name")
    list_select_related = ("actor", "agency")
    date_hierarchy = "created_at"
    ordering = ("-id",)
    readonly_fields = ("created_at", "actor", "agency", "event_type", "target_type", "target_id", "data",
                       "prev_hash", "hash")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False


@admin.register(Holiday)
class HolidayAdmin(AuditedAdmin):
    list_display = ("date", "name")
    search_fields = ("name",)
    date_hierarchy = "date"


@admin.register(WorkingWeekend)
class WorkingWeekendAdmin(AuditedAdmin):
    list_display = ("date", "name")
    search_fields = ("name",)
    date_hierarchy = "date"
