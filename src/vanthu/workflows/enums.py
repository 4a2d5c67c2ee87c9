from django.db import models
from django.utils.translation import gettext_lazy as _


class HandlerRole(models.TextChoices):
    LEAD = "LEAD", _("Chủ trì")
    COOPERATING = "COOPERATING", _("Phối hợp")
    INFORMED = "INFORMED", _("Để biết")


class AssignmentState(models.TextChoices):
    PENDING = "PENDING", _("Chờ xử lý")
    IN_PROGRESS = "IN_PROGRESS", _("Đang xử lý")
    DONE = "DONE", _("Đã xong")
    READ = "READ", _("Đã xem")
    CANCELLED = "CANCELLED", _("Đã hủy")


OPEN_ASSIGNMENT_STATES = (AssignmentState.PENDING, AssignmentState.IN_PROGRESS)


class NoteKind(models.TextChoices):
    PROGRESS = "PROGRESS", _("Tiến độ")
    OPINION = "OPINION", _("Ý kiến")
    INPUT = "INPUT", _("Ý kiến phối hợp")
