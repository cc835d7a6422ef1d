from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Manager reports: a model-less app that reads both sides (crm and parks)."""

    name = "reports"
    verbose_name = _("报表")
