from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "vanthu.reports"
    label = "reports"
    verbose_name = _("Thống kê, báo cáo")

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once every app is loaded (Django's rule).
        from vanthu.reports.hooks import register

        register()
