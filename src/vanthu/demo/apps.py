from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo province ("Tỉnh Demo") and its commands: demo-load, demo-sign, demo-hub. No models."""

    name = "vanthu.demo"
    label = "demo"
    verbose_name = _("Dữ liệu mẫu")
