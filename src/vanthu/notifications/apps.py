from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "vanthu.notifications"
    label = "notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        # Imported here, not at the top: models may be imported only once every app is loaded (Django's rule).
        from vanthu.notifications.hooks import register

        register()
