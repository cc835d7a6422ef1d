from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Manager reports: a model-less app that reads both sides (crm and parks)."""

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
