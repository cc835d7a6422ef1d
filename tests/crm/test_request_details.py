"""Category fields of a request: validated by the service whatever the caller, passport numbers encrypted and masked."""

import pytest

from crm import crypto
from crm.service_requests.category_forms import category_form_current
from crm.service_requests.details import DetailsInvalid, details_clean, details_for_display
from tests.factories import EnterpriseFactory, service_officer, service_request, work_permit_details

pytestmark = pytest.mark.django_db


def test_numbers_are_read_as_text_and_lists_are_field_errors(work_permit):
    version = category_form_current(work_permit)
    with pytest.raises(DetailsInvalid) as err:
        details_clean(version=version, data=work_permit_details(planned_start_date=5, position=["a"]))
    assert err.value.as_dict() == {
        "details": {"position": ["应为文字、数字或日期，不能是列表或对象。"]}
    }
    with pytest.raises(DetailsInvalid) as err:
        details_clean(version=version, data=work_permit_details(planned_start_date=5))
    assert list(err.value.as_dict()["details"]) == ["planned_start_date"]


def test_passport_is_stored_encrypted_and_shown_only_to_the_assigned_officer():
    request = service_request(enterprise=EnterpriseFactory())
    stored = request.details["passport_number"]
    assert stored.startswith(crypto.PREFIX) and "E12345678" not in stored
    officer, other = service_officer(), service_officer()
    request.assignee = officer
    assert details_for_display(service_request=request, user=officer)["passport_number"] == "E12345678"
    assert details_for_display(service_request=request, user=other)["passport_number"] == "E1*****78"
