"""The restore drill's checks on the restored installation (DATABASE_URL, DJANGO_MEDIA_ROOT: the restored ones).

Run by .ci/production after bin/restore, with the original media folder as argument: the smoke suite's requests
are there, their passport number decrypts with the installation's key, and their attachment downloads through
the access-checked view with exactly the bytes that were uploaded.
"""

import hashlib
import os
import sys
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.test import Client  # noqa: E402

from crm import crypto  # noqa: E402
from crm.models import ServiceRequest  # noqa: E402


def check(ok: bool, message: str) -> None:
    if not ok:
        raise SystemExit(f"restore check failed: {message}")


def main(original_media: Path) -> None:
    requests = list(ServiceRequest.objects.filter(title__startswith="冒烟测试").prefetch_related("attachments"))
    check(bool(requests), "the smoke suite's requests are not in the restored database")
    for request in requests:
        stored = request.details["passport_number"]
        check(stored.startswith(crypto.PREFIX), f"request {request.pk}: the passport number is not stored encrypted")
        check(crypto.decrypt(stored) == "E12345678", f"request {request.pk}: the passport number does not decrypt")
        (attachment,) = request.attachments.all()
        client = Client()
        client.force_login(request.submitted_by, backend="django.contrib.auth.backends.ModelBackend")
        response = client.get(f"/attachments/{attachment.pk}/", secure=True, headers={"host": "127.0.0.1"})
        check(response.status_code == 200, f"attachment {attachment.pk}: download answered {response.status_code}")
        body = b"".join(response.streaming_content) if response.streaming else response.content
        original = (original_media / attachment.file.name).read_bytes()
        check(hashlib.sha256(body).digest() == hashlib.sha256(original).digest(), f"attachment {attachment.pk} changed")
        check(Path(settings.MEDIA_ROOT, attachment.file.name).is_file(), f"attachment {attachment.pk}: not restored")
    print(f"restore check: {len(requests)} requests — passport numbers decrypt, attachments download unchanged")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
