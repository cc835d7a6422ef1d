"""Sessions end (会话超时): after ``SESSION_IDLE_TIMEOUT`` without a request, and ``SESSION_MAX_AGE`` after
login however active — for staff in the admin and enterprise users in the portal alike (one rule).

The session keeps when its user logged in (``session_started``, on ``user_logged_in``) and when it was last
used; the last-use time is written back only when it moved by more than a minute, so an active user's session is saved about once a
minute rather than on every request (``SESSION_SAVE_EVERY_REQUEST`` is not needed).
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils.translation import gettext as _

LOGIN_AT = "crm_login_at"
SEEN_AT = "crm_seen_at"
WRITE_EVERY = 60  # seconds


class SessionLifetimeMiddleware:
    """Logs out a session past either limit, then lets the request go on as anonymous.

    The page itself then does what it does for anyone not logged in: the admin and the portal send the
    user to their login page (with ``next``), the API answers 401. Placed after AuthenticationMiddleware (whose
    user is the session's; an API token is read later, by DRF, and has its own expiry) and MessageMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request):
        session = request.session
        now = time.time()
        login_at = session.get(LOGIN_AT)
        seen_at = session.get(SEEN_AT)
        if login_at is None or seen_at is None:  # a session from before this rule: its clock starts now
            session[LOGIN_AT] = session[SEEN_AT] = now
            return
        idle = now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds()
        too_old = now - login_at > settings.SESSION_MAX_AGE.total_seconds()
        if idle or too_old:
            logout(request)
            messages.info(request, _("登录已超时，请重新登录。"))
            return
        if now - seen_at > WRITE_EVERY:
            session[SEEN_AT] = now


def session_started(sender, request, user, **kwargs):
    """Start the clocks of a session login (admin, portal): connected to ``user_logged_in`` in ``CrmConfig.ready``.

    The API token endpoint sends ``user_logged_in`` too, without logging a session in: nothing to start there.
    """
    session = getattr(request, "session", None)
    if session is not None and session.get(SESSION_KEY) == str(user.pk):
        session[LOGIN_AT] = session[SEEN_AT] = time.time()
