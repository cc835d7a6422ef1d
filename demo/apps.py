from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo world and ``manage.py load_demo``: a model-less app that writes both sides through their services."""

    name = "demo"
    verbose_name = _("演示数据")
