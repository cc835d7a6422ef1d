from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Manager reports: a model-less app that reads both sides (crm and parks)."""

    name = "reports"
    verbose_name = _("报表")

    def ready(self):
        # The leader's figures on the admin's workbench (crm.workbench reads what the reports register).
        from crm.workbench import headlines_register
        from reports.workbench import leader_headlines

        headlines_register(leader_headlines)
