"""Rotating the field-encryption key: the old key still opens what it locked until rotate_encryption_key has
re-encrypted every passport number with the new one; a value no key opens stops the command and changes nothing."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from crm import crypto
from crm.models import ServiceRequest
from crm.service_requests.details import details_for_display
from tests.factories import EnterpriseFactory, service_officer, service_request

pytestmark = pytest.mark.django_db

OLD, NEW, STRANGER = (Fernet.generate_key().decode() for _ in range(3))


def assigned_request(settings):
    settings.FIELD_ENCRYPTION_KEY = OLD
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    request = service_request(enterprise=EnterpriseFactory())
    request.assignee = service_officer()
    request.save(update_fields=["assignee"])
    return request


def shown(request):
    request.refresh_from_db()
    return details_for_display(service_request=request, user=request.assignee)["passport_number"]


def test_after_the_new_key_is_set_the_old_key_still_opens_old_values_and_new_ones_use_the_new_key(settings):
    request = assigned_request(settings)

    settings.FIELD_ENCRYPTION_KEY = NEW
    settings.FIELD_ENCRYPTION_OLD_KEYS = [OLD]

    assert shown(request) == "E12345678"
    fresh = service_request(enterprise=request.enterprise)
    token = fresh.details["passport_number"][len(crypto.PREFIX):]
    assert Fernet(NEW.encode()).decrypt(token.encode()) == b"E12345678"


def test_rotate_encryption_key_re_encrypts_every_passport_number_so_the_old_key_can_go(settings, capsys):
    request = assigned_request(settings)
    before = ServiceRequest.objects.get(pk=request.pk)
    history_rows = request.history.count()

    settings.FIELD_ENCRYPTION_KEY = NEW
    settings.FIELD_ENCRYPTION_OLD_KEYS = [OLD]
    call_command("rotate_encryption_key")

    assert "已用当前密钥重新加密 1 条诉求的敏感信息。" in capsys.readouterr().out
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    assert shown(request) == "E12345678"
    after = ServiceRequest.objects.get(pk=request.pk)
    assert after.details["passport_number"] != before.details["passport_number"]
    assert {k: v for k, v in after.details.items() if k != "passport_number"} == {
        k: v for k, v in before.details.items() if k != "passport_number"
    }
    # Nobody changed the request: no new modification time, no history row.
    assert after.updated_at == before.updated_at
    assert request.history.count() == history_rows


def test_without_the_rotation_the_new_key_alone_cannot_read_old_values(settings):
    request = assigned_request(settings)

    settings.FIELD_ENCRYPTION_KEY = NEW

    assert shown(request) == "（无法解密）"


def test_a_value_no_key_opens_stops_the_rotation_and_nothing_is_rewritten(settings):
    request = assigned_request(settings)
    stored = ServiceRequest.objects.get(pk=request.pk).details

    settings.FIELD_ENCRYPTION_KEY = NEW
    settings.FIELD_ENCRYPTION_OLD_KEYS = [STRANGER]
    with pytest.raises(CommandError, match="无法用当前密钥"):
        call_command("rotate_encryption_key")

    assert ServiceRequest.objects.get(pk=request.pk).details == stored
