from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "vanthu.exchange"
    label = "exchange"
    verbose_name = _("Liên thông văn bản")

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once every app is loaded (Django's rule).
        from vanthu.exchange.hooks import register

        register()
