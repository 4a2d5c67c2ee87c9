from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from vanthu.hub import conf


class HubConfig(AppConfig):
    name = "vanthu.hub"
    label = "hub"
    verbose_name = _("Trục liên thông văn bản")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        conf.client_timezone()  # a misspelt zone stops the hub at start, not on every call
