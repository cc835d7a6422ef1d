from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Manager reports: reads both sides (crm and parks); its only tables are the pipeline summaries."""

    name = "reports"
    verbose_name = _("报表")

    def ready(self):
        # The drill-down figures of every page: each module of reports/figures registers its own.
        import importlib
        import pkgutil

        from reports import figures

        for module in pkgutil.iter_modules(figures.__path__):
            importlib.import_module(f"{figures.__name__}.{module.name}")

        # The leader's figures on the admin's workbench (crm.workbench reads what the reports register).
        from crm.workbench import headlines_register
        from reports.workbench import leader_headlines

        headlines_register(leader_headlines)
        # The summary tables follow every change of what they copy (reports.summaries).
        from crm.pipeline.summaries import summaries_register
        from reports.summaries import refresh_projects

        summaries_register(refresh_projects)
        # The service page's cached figures follow every change of their inputs (reports.selectors.service).
        from crm.service_requests.figures_version import service_figures_register
        from reports.summaries import service_figures_changed

        service_figures_register(service_figures_changed)
