from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "vanthu.search"
    label = "search"
    verbose_name = _("Tìm kiếm")

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once every app is loaded (Django's rule).
        from vanthu.search.hooks import register

        register()
