from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkflowsConfig(AppConfig):
    name = "vanthu.workflows"
    label = "workflows"
    verbose_name = _("Chỉ đạo, xử lý")
