"""Django admin for system administrators: the shared document-type catalogue and agencies' registers."""

from __future__ import annotations

from django.contrib import admin

from vanthu.core.admin import AuditedAdmin
from vanthu.documents.models import DocumentType, Register
from vanthu.organizations.models import Agency


@admin.register(DocumentType)
class DocumentTypeAdmin(AuditedAdmin):
    list_display = ("code", "name", "abbreviation", "qcvn_type", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "abbreviation")


@admin.register(Register)
class RegisterAdmin(AuditedAdmin):
    list_display = ("name", "agency", "kind", "is_default", "is_active")
    list_filter = ("kind", "is_default", "is_active")
    search_fields = ("name", "agency__name")
    list_select_related = ("agency",)
    autocomplete_fields = ("agency",)

    def audit_agency(self, obj: Register) -> Agency:
        return obj.agency
