from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "vanthu.api"
    label = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once every app is loaded (Django's rule).
        from vanthu.api.hooks import register

        register()
