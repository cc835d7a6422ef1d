from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParksConfig(AppConfig):
    name = "parks"
    verbose_name = _("园区载体与政策")

    def ready(self):
        from . import (
            checks,  # noqa: F401 — registers the settings checks
            reminders,  # noqa: F401 — registers the parks' reminder rules
        )
