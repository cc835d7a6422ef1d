from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("招商与企业服务")

    def ready(self):
        # Register the reminder rules of each domain package with the engine (crm.notifications).
        from crm.pipeline import reminders as pipeline_reminders  # noqa: F401
        from crm.service_requests import reminders as request_reminders  # noqa: F401
