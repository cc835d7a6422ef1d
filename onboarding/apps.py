from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """Onboarding imports (数据导入): a model-less app loading a park's existing enterprises, contacts, parcels, spaces,
    qualifications and historical projects from Excel, through one engine used by the admin and ``import_data``."""

    name = "onboarding"
    verbose_name = _("数据导入")
