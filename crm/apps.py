from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("招商与企业服务")

    def ready(self):
        from crm.services import reminders  # noqa: F401 — registers the requests' and projects' reminder rules
