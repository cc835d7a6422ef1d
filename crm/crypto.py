"""Encryption at rest for personal data in request details (passport numbers).

The key comes from ``DJANGO_FIELD_ENCRYPTION_KEY`` (a Fernet key); locally it is derived from
the secret key so `make run` needs no setup. Production refuses to start without it.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.utils.translation import gettext as _

PREFIX = "enc:"


@lru_cache(maxsize=4)
def _fernet(key: str) -> Fernet:
    return Fernet(key.encode())


def _key() -> str:
    if settings.FIELD_ENCRYPTION_KEY:
        return settings.FIELD_ENCRYPTION_KEY
    digest = hashlib.sha256(("field-encryption:" + settings.SECRET_KEY).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def encrypt(value: str) -> str:
    if not value:
        return value
    return PREFIX + _fernet(_key()).encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value or not value.startswith(PREFIX):
        return value
    try:
        return _fernet(_key()).decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        return _("（无法解密）")


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
