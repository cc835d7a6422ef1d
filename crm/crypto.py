"""Encryption at rest for personal data in request details (passport numbers).

The key comes from ``DJANGO_FIELD_ENCRYPTION_KEY`` (a Fernet key); locally it is derived from
the secret key so `make run` needs no setup. Production refuses to start without it.

Rotation: put the new key in ``DJANGO_FIELD_ENCRYPTION_KEY`` and the old one(s) in
``DJANGO_FIELD_ENCRYPTION_OLD_KEYS`` (comma-separated). New values are encrypted with the new key; values
under an old key still decrypt. ``manage.py rotate_encryption_key`` then re-encrypts every stored value with
the new key, after which the old keys may be removed.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.utils.translation import gettext as _

PREFIX = "enc:"


@lru_cache(maxsize=4)
def _fernet(key: str, old_keys: tuple[str, ...] = ()) -> MultiFernet:
    """The current key first (it encrypts), then the old ones (they only decrypt)."""
    return MultiFernet([Fernet(k.encode()) for k in (key, *old_keys)])


def _old_keys() -> tuple[str, ...]:
    return tuple(k.strip() for k in getattr(settings, "FIELD_ENCRYPTION_OLD_KEYS", ()) if k.strip())


def _key() -> str:
    if settings.FIELD_ENCRYPTION_KEY:
        return settings.FIELD_ENCRYPTION_KEY
    digest = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def encrypt(value: str) -> str:
    if not value:
        return value
    return PREFIX + _fernet(_key(), _old_keys()).encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value or not value.startswith(PREFIX):
        return value
    try:
        return _fernet(_key(), _old_keys()).decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        return _("（无法解密）")


def rotate(value: str) -> str:
    """``value`` encrypted again with the current key (what ``rotate_encryption_key`` stores).

    Clear and already-current values come back unchanged in meaning; a value no key opens raises
    ``InvalidToken`` rather than being overwritten.
    """
    if not value or not value.startswith(PREFIX):
        return value
    return PREFIX + _fernet(_key(), _old_keys()).rotate(value[len(PREFIX) :].encode()).decode()


def mask(value: str) -> str:
    """E12345678 → E1*****78: enough to recognise, not enough to misuse."""
    if not value:
        return value
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def mask_phone(value: str) -> str:
    """13812345678 → 138****5678, 0571-88886666 → 0571-****6666: the last four digits, as Chinese receipts print."""
    if not value or len(value) <= 4:
        return "*" * len(value or "")
    head = value.split("-")[0] + "-" if "-" in value else value[:3]
    return head + "*" * max(len(value) - len(head) - 4, 4) + value[-4:]
