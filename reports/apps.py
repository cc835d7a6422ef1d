from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Manager reports: reads both sides (crm and parks); its only tables are the pipeline summaries."""

    name = "reports"
    verbose_name = _("报表")

    def ready(self):
        # The leader's figures on the admin's workbench (crm.workbench reads what the reports register).
        from crm.workbench import headlines_register
        from reports.workbench import leader_headlines

        headlines_register(leader_headlines)
        # The summary tables follow every change of what they copy (reports.summaries).
        from crm.pipeline.summaries import summaries_register
        from reports.summaries import refresh_projects

        summaries_register(refresh_projects)
