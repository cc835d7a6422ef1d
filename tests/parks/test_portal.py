"""可申请的政策 in the enterprise portal: the user's own enterprises' matches and grants, never another's."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from parks.models import EligibilityCriterion
from parks.services.grants import policy_grant_record, policy_grant_reject
from tests.factories import EnterpriseFactory, PolicyClauseFactory, criterion, enterprise_user

pytestmark = pytest.mark.django_db
K = EligibilityCriterion.Kind
URL = reverse("parks_portal:policy-matches")


@pytest.fixture
def clauses(policy, city):
    talent = PolicyClauseFactory(policy=policy, number=7, title="人才安家补贴", benefit_kind="talent_subsidy",
                                 amount_cap=Decimal("800"))
    criterion(talent, K.IN_PARK, park=city)
    criterion(talent, K.MIN_HEADCOUNT, number=Decimal("20"))
    robots = PolicyClauseFactory(policy=policy, number=11, title="机器人首台套应用奖励", benefit_kind="first_of_kind")
    criterion(robots, K.INDUSTRY_CHAIN, choice="robotics")
    return {"talent": talent, "robots": robots}


@pytest.fixture
def grants(clauses, sunshine, kecong, zhou):
    ours = policy_grant_record(clause=clauses["talent"], enterprise=sunshine, applied_amount=Decimal("80"),
                               applied_on=dt.date(2025, 11, 2), actor=zhou)
    theirs = policy_grant_record(clause=clauses["robots"], enterprise=kecong, applied_amount=Decimal("66"),
                                 applied_on=dt.date(2025, 8, 1), actor=zhou)
    policy_grant_reject(grant=theirs, reason="科聪控制的保密理由", actor=zhou)
    return {"sunshine": ours, "kecong": theirs}


def test_an_enterprise_user_sees_its_matches_with_reasons_and_its_grants(client, alice, sunshine, xike, grants):
    sunshine.park, sunshine.headcount = xike, 85
    sunshine.save()
    client.force_login(alice)

    response = client.get(URL)
    html = response.content.decode()

    assert response.status_code == 200
    (section,) = response.context["sections"]
    assert section["enterprise"] == sunshine
    assert [(m.clause.title, m.verdict) for m in section["matches"]] == [
        ("人才安家补贴", "eligible"), ("机器人首台套应用奖励", "not_eligible"),
    ]
    assert "员工人数 85 人 ≥ 要求 20 人" in html and "所在园区“西科园”属于“紫金港科技城”" in html
    assert section["grants"] == [grants["sunshine"]]
    assert "80 万元" in html


def test_another_enterprises_grants_and_figures_never_appear(client, alice, bob, kecong, grants):
    kecong.headcount = 260
    kecong.save()
    client.force_login(alice)

    html = client.get(URL).content.decode()

    assert "科聪控制" not in html and "科聪控制的保密理由" not in html and "260" not in html and "66 万元" not in html


def test_a_user_of_two_enterprises_sees_a_section_for_each(client, alice, clauses):
    second = EnterpriseFactory(name="杭州西湖阳光二期科技有限公司")
    alice.enterprises.add(second)
    client.force_login(alice)

    sections = client.get(URL).context["sections"]

    assert [s["enterprise"].name for s in sections] == ["杭州西湖阳光二期科技有限公司", "西湖阳光（杭州）科技有限公司"]
    assert all(len(s["matches"]) == 2 for s in sections)


def test_the_page_runs_the_same_number_of_queries_for_one_or_three_enterprises(client, alice, clauses,
                                                                                django_assert_num_queries):
    """session, user, groups, unread badge, enterprises (twice: listed, and in the batch), qualifications, projects,
    clauses, criteria, parks, grants, online applications; the site profile the header names the park by
    (crm.notifications.site). Explain any change."""
    client.force_login(alice)
    client.get(URL)
    with django_assert_num_queries(14):
        client.get(URL)
    for i in range(2):
        alice.enterprises.add(EnterpriseFactory(name=f"西湖阳光子公司{i}"))
    with django_assert_num_queries(14):
        client.get(URL)


def test_the_portal_navigation_links_to_the_policies(client, alice):
    client.force_login(alice)

    html = client.get(reverse("portal:request-list")).content.decode()

    assert f'href="{URL}"' in html and "可申请的政策" in html


def test_staff_are_sent_to_the_admin_and_visitors_to_the_login(client, boss):
    assert client.get(URL).status_code == 302
    client.force_login(boss)
    assert client.get(URL).status_code == 403


def test_an_account_without_enterprises_is_told_to_ask_the_park(client, db):
    user = enterprise_user(EnterpriseFactory())
    user.enterprises.clear()
    client.force_login(user)

    response = client.get(URL)

    assert response.context["sections"] == []
    assert "尚未关联企业" in response.content.decode()
