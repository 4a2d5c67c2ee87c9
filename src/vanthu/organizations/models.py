from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from vanthu.organizations.codes import is_strict_code, normalize_code
from vanthu.organizations.enums import AgencyKind, RoleCode


class AgencyLevel(models.Model):
    """Administrative level (tỉnh, sở, huyện, xã…). Data, not code: the 2025 reform removed districts."""

    code = models.CharField(max_length=20, unique=True)
    name = models.CharField(max_length=100)
    rank = models.PositiveSmallIntegerField(help_text=_("1 = cấp cao nhất"))

    class Meta:
        ordering = ["rank"]
        verbose_name = _("cấp hành chính")
        verbose_name_plural = _("cấp hành chính")

    def __str__(self) -> str:
        return str(self.name)


class Agency(models.Model):
    """A tenant: a state agency, or an external organisation with guest accounts."""

    organ_id = models.CharField(
        _("mã định danh"), max_length=50, unique=True, null=True, blank=True,
        help_text=_("Mã định danh theo QCVN 102, ví dụ 000.00.00.H49"),
    )
    name = models.CharField(_("tên cơ quan"), max_length=200)
    abbreviation = models.CharField(_("tên viết tắt"), max_length=30, help_text=_("Dùng trong ký hiệu, ví dụ UBND"))
    kind = models.CharField(_("loại"), max_length=10, choices=AgencyKind.choices, default=AgencyKind.STATE)
    level = models.ForeignKey(AgencyLevel, verbose_name=_("cấp"), null=True, blank=True, on_delete=models.PROTECT)
    parent = models.ForeignKey(
        "self", verbose_name=_("cơ quan cấp trên"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    place_name = models.CharField(_("địa danh"), max_length=100, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    hub_enabled = models.BooleanField(_("kết nối liên thông"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self", verbose_name=_("cơ quan kế thừa"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="predecessors",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")

    def __str__(self) -> str:
        return str(self.name)

    @property
    def is_external(self) -> bool:
        return self.kind in (AgencyKind.EXTERNAL, AgencyKind.PRESS)

    def clean(self) -> None:
        if self.organ_id:
            self.organ_id = normalize_code(self.organ_id)
            if not self.is_external and not is_strict_code(self.organ_id):
                raise ValidationError(
                    {"organ_id": _("Mã định danh phải có dạng 000.00.00.H49 (QCVN 102:2016).")}
                )
        elif not self.is_external:
            raise ValidationError({"organ_id": _("Cơ quan nhà nước phải có mã định danh.")})
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Cơ quan không thể là cấp trên của chính nó.")})


class AgencyCodeHistory(models.Model):
    """Codes change when agencies reorganise; each code is kept with its validity period."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="code_history")
    organ_id = models.CharField(max_length=50)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["agency", "valid_from"]

    def __str__(self) -> str:
        return f"{self.organ_id} ({self.valid_from:%d/%m/%Y})"


class Unit(models.Model):
    """Phòng, ban: a unit inside one agency."""

    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="units")
    name = models.CharField(_("tên đơn vị"), max_length=200)
    abbreviation = models.CharField(_("viết tắt"), max_length=20)
    parent = models.ForeignKey(
        "self", verbose_name=_("đơn vị cấp trên"), null=True, blank=True, on_delete=models.PROTECT
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "abbreviation"], name="unit_abbr_unique")]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self) -> str:
        return str(self.name)


class Position(models.Model):
    """Chức vụ within an agency."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="positions")
    name = models.CharField(_("chức vụ"), max_length=100)
    is_head = models.BooleanField(_("thủ trưởng"), default=False)
    is_deputy = models.BooleanField(_("cấp phó"), default=False)

    class Meta:
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "name"], name="position_name_unique")]
        verbose_name = _("chức vụ")
        verbose_name_plural = _("chức vụ")

    def __str__(self) -> str:
        return str(self.name)


class User(AbstractUser):
    full_name = models.CharField(_("họ và tên"), max_length=100)
    phone = models.CharField(_("điện thoại"), max_length=30, blank=True)
    can_handle_secret = models.BooleanField(_("được xử lý văn bản mật"), default=False)

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class Role(models.Model):
    code = models.CharField(max_length=20, primary_key=True, choices=RoleCode.choices)

    def __str__(self) -> str:
        return str(RoleCode(self.code).label)


class Membership(models.Model):
    """User × agency × unit × position, with roles. Several per user (kiêm nhiệm)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.PROTECT, related_name="memberships")
    position = models.ForeignKey(Position, null=True, blank=True, on_delete=models.PROTECT)
    roles = models.ManyToManyField(Role, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["user", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "agency", "unit"], name="membership_unique")]
        verbose_name = _("kiêm nhiệm, vai trò")
        verbose_name_plural = _("kiêm nhiệm, vai trò")

    def __str__(self) -> str:
        return f"{self.user} — {self.agency}"

    def role_codes(self) -> frozenset[str]:
        cached = getattr(self, "_role_codes", None)
        if cached is None:
            cached = frozenset(r.code for r in self.roles.all())
            self._role_codes = cached
        return cached
