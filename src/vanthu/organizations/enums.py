from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    STATE = "STATE", _("Cơ quan nhà nước")
    PARTY = "PARTY", _("Cơ quan Đảng")
    MASS_ORG = "MASS_ORG", _("Tổ chức chính trị - xã hội")
    EXTERNAL = "EXTERNAL", _("Tổ chức bên ngoài, doanh nghiệp")
    PRESS = "PRESS", _("Cơ quan báo chí")


class RoleCode(models.TextChoices):
    SYSADMIN = "SYSADMIN", _("Quản trị hệ thống")
    AGENCY_ADMIN = "AGENCY_ADMIN", _("Quản trị cơ quan")
    CLERK = "CLERK", _("Văn thư")
    LEADER = "LEADER", _("Lãnh đạo cơ quan")
    UNIT_LEADER = "UNIT_LEADER", _("Lãnh đạo đơn vị")
    SPECIALIST = "SPECIALIST", _("Chuyên viên")
    FORMAT_CHECKER = "FORMAT_CHECKER", _("Kiểm tra thể thức")
    GUEST = "GUEST", _("Tài khoản khách")
    STATS_VIEWER = "STATS_VIEWER", _("Xem thống kê")


EXTERNAL_KINDS = {AgencyKind.EXTERNAL, AgencyKind.PRESS}
