"""Django admin for system administrators: agencies, units, positions, users and memberships."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vanthu.core.admin import AuditedAdmin
from vanthu.organizations.codes import code_has_gap
from vanthu.organizations.models import Agency, AgencyLevel, Membership, Position, Unit, User


@admin.register(AgencyLevel)
class AgencyLevelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "name", "rank")
    ordering = ("rank",)


@admin.register(Agency)
class AgencyAdmin(AuditedAdmin):
    """The model form calls ``Agency.clean``, so a state agency cannot be saved without a strict QCVN 102 code."""

    list_display = ("name", "organ_id", "abbreviation", "kind", "level", "parent", "is_active")
    list_filter = ("kind", "level", "is_active")
    search_fields = ("name", "organ_id", "abbreviation")
    list_select_related = ("level", "parent")
    autocomplete_fields = ("parent", "successor")

    def audit_agency(self, obj: Agency) -> Agency:
        return obj

    def save_model(self, request: HttpRequest, obj: Agency, form: ModelForm[Agency], change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.organ_id and code_has_gap(obj.organ_id):
            messages.warning(request, _("Mã định danh %(code)s có một nhóm khác 0 nằm dưới nhóm bằng 0; "
                                        "hãy kiểm tra lại.") % {"code": obj.organ_id})


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = ("name", "abbreviation", "agency", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "abbreviation", "agency__name")
    list_select_related = ("agency",)
    autocomplete_fields = ("agency", "parent")

    def audit_agency(self, obj: Unit) -> Agency:
        return obj.agency


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "agency", "is_head", "is_deputy")
    search_fields = ("name", "agency__name")
    list_select_related = ("agency",)
    autocomplete_fields = ("agency",)


class VanthuUserCreationForm(AdminUserCreationForm):  # type: ignore[type-arg]
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "email")


class VanthuUserChangeForm(UserChangeForm):  # type: ignore[type-arg]
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class VanthuUserAdmin(UserAdmin):  # type: ignore[type-arg]
    form = VanthuUserChangeForm
    add_form = VanthuUserCreationForm
    list_display = ("username", "full_name", "email", "can_handle_secret", "is_active", "is_superuser")
    list_filter = ("is_active", "is_superuser", "can_handle_secret")
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Thông tin cá nhân"), {"fields": ("full_name", "email", "phone", "can_handle_secret")}),
        (_("Quyền"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Thời gian"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",),
                "fields": ("username", "full_name", "email", "usable_password", "password1", "password2")}),
    )


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    list_display = ("user", "agency", "unit", "position", "is_active")
    list_filter = ("is_active", "roles")
    search_fields = ("user__username", "user__full_name", "agency__name")
    list_select_related = ("user", "agency", "unit", "position")
    autocomplete_fields = ("user", "agency", "unit", "position")
    filter_horizontal = ("roles",)

    def audit_agency(self, obj: Membership) -> Agency:
        return obj.agency
