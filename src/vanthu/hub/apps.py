from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "vanthu.hub"
    label = "hub"
    verbose_name = _("Trục liên thông văn bản")
    default_auto_field = "django.db.models.BigAutoField"
