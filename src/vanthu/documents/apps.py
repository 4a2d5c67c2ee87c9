from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "vanthu.documents"
    label = "documents"
    verbose_name = _("Văn bản")

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once every app is loaded (Django's rule).
        from vanthu.documents.hooks import register

        register()
