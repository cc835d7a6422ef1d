"""业绩分成: a project's credit shares add up to at most 100%, on the project page and on a credit's own page."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from crm.models import ProjectCredit
from tests.crm.test_project_ownership import _form_data
from tests.factories import ProjectFactory, officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner():
    return officer(username="owner", display_name="王磊")


@pytest.fixture
def colleague():
    return officer(username="colleague", display_name="李晓燕")


@pytest.fixture
def project(owner):
    return ProjectFactory(name="云谷智算中心项目", owner=owner)


@pytest.fixture
def client(owner):
    client = Client()
    client.force_login(owner)
    return client


def _add_credit(client, project, officer_pk, unit, share):
    return client.post(
        reverse("admin:crm_projectcredit_add"),
        {"project": project.pk, "officer": officer_pk or "", "unit": unit, "share_percent": share},
    )


def test_a_credit_row_that_takes_the_shares_past_100_percent_is_refused_with_the_reason(client, project, owner, colleague):
    ProjectCredit.objects.create(project=project, officer=owner, share_percent=Decimal("70"))

    response = _add_credit(client, project, colleague.pk, "", "40")

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "一个项目的业绩分成比例合计不能超过 100%（现为 110%）。"
    ]
    assert list(ProjectCredit.objects.values_list("officer__username", "share_percent")) == [("owner", Decimal("70.00"))]


def test_shares_adding_up_to_exactly_100_percent_are_kept(client, project, owner, colleague):
    ProjectCredit.objects.create(project=project, officer=owner, share_percent=Decimal("70"))

    response = _add_credit(client, project, None, "三墩镇", "30")

    assert response.status_code == 302
    assert sorted(ProjectCredit.objects.values_list("unit", "share_percent")) == [
        ("", Decimal("70.00")), ("三墩镇", Decimal("30.00"))
    ]


def test_the_same_officer_twice_on_one_project_is_refused(client, project, owner):
    ProjectCredit.objects.create(project=project, officer=owner, share_percent=Decimal("20"))

    response = _add_credit(client, project, owner.pk, "", "20")

    assert response.context["adminform"].form.non_field_errors() == ["同一人员在一个项目的业绩分成中只能出现一次。"]
    assert ProjectCredit.objects.count() == 1


def test_a_credit_row_naming_neither_officer_nor_unit_is_refused(client, project):
    response = _add_credit(client, project, None, "", "20")

    assert response.context["adminform"].form.non_field_errors() == ["每条业绩分成须填写人员或单位。"]
    assert ProjectCredit.objects.count() == 0


def test_the_project_page_refuses_credit_rows_over_100_percent_and_stores_none_of_them(client, project, owner, colleague):
    url = reverse("admin:crm_project_change", args=[project.pk])
    data = _form_data(client.get(url))
    data |= {
        "credits-TOTAL_FORMS": 2,
        "credits-0-officer": owner.pk, "credits-0-unit": "", "credits-0-share_percent": "60",
        "credits-1-officer": colleague.pk, "credits-1-unit": "", "credits-1-share_percent": "50",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    errors = [e for inline in response.context["inline_admin_formsets"] for e in inline.formset.non_form_errors()]
    assert errors == ["一个项目的业绩分成比例合计不能超过 100%（现为 110%）。"]
    assert ProjectCredit.objects.count() == 0

    data["credits-1-share_percent"] = "40"
    response = client.post(url, data)

    assert response.status_code == 302
    assert sorted(ProjectCredit.objects.values_list("officer__username", "share_percent")) == [
        ("colleague", Decimal("40.00")), ("owner", Decimal("60.00"))
    ]
