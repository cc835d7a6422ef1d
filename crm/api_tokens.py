"""API tokens (API 令牌): how long one lives, issuing one, and revoking them.

Tokens are django-rest-knox ``AuthToken`` rows: only a SHA-512 digest of the key and its first 15
characters (to find the row) are stored, so a database dump gives no usable token. Each login on
``POST /api/v1/auth/token/`` issues a new token with an absolute expiry (no sliding renewal):
``API_TOKEN_TTL_STAFF`` for committee staff, ``API_TOKEN_TTL_ENTERPRISE`` for enterprise users.

A token ends at its expiry, on ``POST /api/v1/auth/logout/`` (that token), and — all of the user's
tokens — when the password changes or the account is deactivated, whichever path did it (admin,
``manage.py changepassword``, a script calling ``set_password``): ``user_saved`` below is connected to
the user's ``post_save`` in ``CrmConfig.ready``. An account deactivated by a queryset ``update()`` sends no
signal; its tokens are refused all the same (the authentication refuses inactive users).
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from knox.models import AuthToken


def api_token_ttl(user) -> timedelta:
    """How long a token issued now lives: the enterprise lifetime for enterprise users, the staff one otherwise."""
    if user.is_enterprise_user:
        return settings.API_TOKEN_TTL_ENTERPRISE
    return settings.API_TOKEN_TTL_STAFF


def api_token_issue(*, user) -> tuple[AuthToken, str]:
    """A new token for ``user``: the row (with its expiry) and the key, which is shown once and never stored.

    The user's expired tokens are deleted on the way (the authentication looks only at the one it is shown).
    """
    AuthToken.objects.filter(user=user, expiry__lt=timezone.now()).delete()
    return AuthToken.objects.create(user=user, expiry=api_token_ttl(user))


def api_token_revoke(*, token: AuthToken) -> None:
    token.delete()


def api_tokens_revoke(*, user) -> int:
    """Revoke every token of ``user``; how many there were."""
    count, _ = AuthToken.objects.filter(user=user).delete()
    return count


def user_saved(sender, instance, created, **kwargs):
    """Revoke the user's tokens when the saved user is inactive or was given a new password.

    ``set_password`` keeps the new raw password in ``_password`` until ``save()`` has written it (Django
    clears it after ``post_save``), so it is set exactly when the password changed — not when Django merely
    re-hashed the same password at login with a stronger hasher.
    """
    if created:
        return
    if not instance.is_active or getattr(instance, "_password", None) is not None:
        api_tokens_revoke(user=instance)
