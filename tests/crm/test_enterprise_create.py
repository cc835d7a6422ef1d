"""One door for a new enterprise (``enterprise_create``): the API, the admin add form and the leads import
all register through it, so a pasted credit code is compacted the same way and a bad or taken one is refused
with the same Chinese message wherever it was typed."""

import pytest
import tablib
from django.core.files.base import ContentFile
from django.urls import reverse

from crm.models import Enterprise, Project
from tests.api.support import api_client
from tests.factories import EnterpriseFactory, credit_code, officer

pytestmark = pytest.mark.django_db

CODE = credit_code(4242)
PASTED = f"{CODE[:6]} {CODE[6:12]}-{CODE[12:]}".lower()  # as copied from a scanned licence
WRONG_CHECK = CODE[:-1] + ("0" if CODE[-1] != "0" else "1")
WRONG_CHECK_MESSAGE = f"统一社会信用代码校验位不正确（最后一位应为 {CODE[-1]}），请核对。"
NAME = "杭州云谷算力科技有限公司"
LEAD_HEADERS = ["项目名称", "企业名称", "统一社会信用代码", "产业链", "细分赛道", "来源渠道", "总投资（万元）",
                "固定资产投资（万元）", "负责人", "下一步", "下次跟进日期"]


def _over_api(client, user, *, name, code):
    """Register over the API (``client`` unused: the API authenticates by token); returns the field errors."""
    response = api_client(user).post("/api/v1/enterprises/", {"name": name, "credit_code": code}, format="json")
    assert response.status_code in (201, 400), response.content
    return {} if response.status_code == 201 else response.json()


def _over_admin(client, user, *, name, code):
    """Register through the admin add form; returns the form's errors ({} on success)."""
    client.force_login(user)
    response = client.post(reverse("admin:crm_enterprise_add"), {
        "name": name, "short_name": "", "credit_code": code, "status": "prospect", "industry_chain": "other",
        "park": "", "jurisdiction": "", "registered_capital": "", "headcount": "", "rd_headcount": "", "founded_on": "",
        "address": "", "description": "",
        "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0", "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "qualifications-TOTAL_FORMS": "0", "qualifications-INITIAL_FORMS": "0", "qualifications-MIN_NUM_FORMS": "0",
        "qualifications-MAX_NUM_FORMS": "1000",
        "visits-TOTAL_FORMS": "0", "visits-INITIAL_FORMS": "0", "visits-MIN_NUM_FORMS": "0", "visits-MAX_NUM_FORMS": "0",
        "_save": "保存",
    })
    if response.status_code == 302:
        return {}
    assert response.status_code == 200
    return {field: list(errors) for field, errors in response.context["adminform"].form.errors.items()}


def _over_import(client, user, *, name, code):
    """Import one lead whose investor is ``name``; returns the row's errors on the investor ({} on success)."""
    client.force_login(user)
    data = tablib.Dataset(["算力中心", name, code, "", "", "", 5000, "", "", "", ""], headers=LEAD_HEADERS)
    upload = ContentFile(data.export("xlsx"), name="线索.xlsx")
    preview = client.post(reverse("admin:crm_project_import"), {"import_file": upload, "format": "0", "resource": "0"})
    result = preview.context["result"]
    if result.has_validation_errors():
        return {field: [str(m) for m in messages] for field, messages in result.invalid_rows[0].error_dict.items()}
    assert not result.has_errors(), result.row_errors()
    response = client.post(reverse("admin:crm_project_process_import"), preview.context["confirm_form"].initial)
    assert response.status_code == 302
    return {}


INTERFACES = {"api": _over_api, "admin": _over_admin, "import": _over_import}


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_pasted_credit_code_is_stored_compact_and_upper_case_over_every_interface(client, interface):
    errors = INTERFACES[interface](client, officer(), name=NAME, code=PASTED)

    assert errors == {}
    assert list(Enterprise.objects.values_list("name", "credit_code")) == [(NAME, CODE)]


@pytest.mark.parametrize("interface", INTERFACES)
def test_a_wrong_check_character_is_refused_with_the_same_message_over_every_interface(client, interface):
    errors = INTERFACES[interface](client, officer(), name=NAME, code=WRONG_CHECK)

    if interface == "import":  # the import names the row and the column as a clerk sees them
        assert errors == {"统一社会信用代码": [f"第 2 行「统一社会信用代码」：{WRONG_CHECK_MESSAGE}"]}
    else:
        assert errors == {"credit_code": [WRONG_CHECK_MESSAGE]}
    assert Enterprise.objects.count() == 0
    assert Project.objects.count() == 0


@pytest.mark.parametrize("interface", ["api", "admin"])
@pytest.mark.parametrize("typed", [CODE, PASTED], ids=["as-registered", "pasted-in-lower-case"])
def test_a_credit_code_already_registered_is_refused_naming_who_holds_it(client, interface, typed):
    EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", short_name="西湖阳光", credit_code=CODE)

    errors = INTERFACES[interface](client, officer(), name=NAME, code=typed)

    assert errors == {"credit_code": [f"统一社会信用代码 {CODE} 已由“西湖阳光（杭州）科技有限公司”登记，请勿重复登记。"]}
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["西湖阳光（杭州）科技有限公司"]


def test_an_imported_lead_whose_credit_code_is_registered_goes_to_that_enterprise_however_it_is_pasted(client):
    sunshine = EnterpriseFactory(name="西湖阳光（杭州）科技有限公司", credit_code=CODE)

    errors = _over_import(client, officer(), name="西湖阳光科技", code=PASTED)

    assert errors == {}
    assert list(Enterprise.objects.all()) == [sunshine]
    assert Project.objects.get().enterprise == sunshine


def test_an_enterprise_edited_in_the_admin_keeps_a_pasted_credit_code_compact(client):
    enterprise = EnterpriseFactory(name=NAME, credit_code="")
    client.force_login(officer())
    response = client.post(reverse("admin:crm_enterprise_change", args=[enterprise.pk]), {
        "name": NAME, "short_name": "", "credit_code": PASTED, "status": "prospect", "industry_chain": "other",
        "park": "", "jurisdiction": "", "registered_capital": "", "headcount": "", "rd_headcount": "", "founded_on": "",
        "address": "", "description": "",
        "contacts-TOTAL_FORMS": "0", "contacts-INITIAL_FORMS": "0", "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "1000",
        "qualifications-TOTAL_FORMS": "0", "qualifications-INITIAL_FORMS": "0", "qualifications-MIN_NUM_FORMS": "0",
        "qualifications-MAX_NUM_FORMS": "1000",
        "visits-TOTAL_FORMS": "0", "visits-INITIAL_FORMS": "0", "visits-MIN_NUM_FORMS": "0", "visits-MAX_NUM_FORMS": "0",
        "_save": "保存",
    })

    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    enterprise.refresh_from_db()
    assert enterprise.credit_code == CODE
