"""``manage.py rotate_encryption_key``: re-encrypt every stored passport number with the current key.

The rotation (README "Production" → "Backup"): set the new key in ``DJANGO_FIELD_ENCRYPTION_KEY`` and the old
one in ``DJANGO_FIELD_ENCRYPTION_OLD_KEYS``, restart, run this command, then remove the old key.
"""

from cryptography.fernet import InvalidToken
from django.core.management.base import BaseCommand, CommandError

from crm.service_requests.details import details_rotate_encryption


class Command(BaseCommand):
    help = "Re-encrypt every encrypted request detail (passport numbers) with DJANGO_FIELD_ENCRYPTION_KEY."

    def handle(self, *args, **options):
        try:
            changed = details_rotate_encryption()
        except InvalidToken:
            raise CommandError(
                "有加密数据无法用当前密钥或 DJANGO_FIELD_ENCRYPTION_OLD_KEYS 中的旧密钥解密：请把旧密钥加入后再运行。"
            ) from None
        self.stdout.write(f"已用当前密钥重新加密 {changed} 条诉求的敏感信息。")
