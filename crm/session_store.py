"""Django's database sessions, refusing a session cookie that cannot be a session key.

Django makes session keys of 32 lower-case letters and digits; a cookie carrying anything else (a NUL byte, which
PostgreSQL refuses in any text it is sent, answered 500 on every page) is treated as no session at all.
``SESSION_ENGINE = "crm.session_store"``.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    def _validate_session_key(self, key):
        return super()._validate_session_key(key) and key.isascii() and key.isalnum()
