from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("招商与企业服务")

    def ready(self):
        # Importing them registers the reminder rules of each domain package with the engine (crm.notifications).
        from crm.api_tokens import user_saved
        from crm.pipeline import reminders as pipeline_reminders  # noqa: F401
        from crm.service_requests import reminders as request_reminders  # noqa: F401
        from crm.sessions import session_started
        from crm.visits import reminders as visit_reminders  # noqa: F401

        # A new password or a deactivation revokes the user's API tokens, whichever path saved the user.
        post_save.connect(user_saved, sender=self.get_model("User"), dispatch_uid="crm.api_tokens.user_saved")
        # A session login starts the session's idle and absolute clocks (crm.sessions).
        user_logged_in.connect(session_started, dispatch_uid="crm.sessions.session_started")
