"""看板: the board's columns and cards, its filters and pages, and moves through ``project_change_stage``."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.models import IndustryChain, Project, ProjectStageChange, Stage
from crm.pipeline.kanban import PAGE_SIZE
from crm.pipeline.services import project_change_stage
from tests.factories import (
    EnterpriseFactory,
    ParkFactory,
    ProjectFactory,
    investment_lead,
    manager,
    officer,
    service_officer,
)

pytestmark = pytest.mark.django_db

BOARD = "/admin/crm/project/kanban/"


def _move_url(project):
    return reverse("admin:crm_project_kanban_move", args=[project.pk])


def _column(response, stage):
    return next(column for column in response.context["columns"] if column.stage == stage)


def _stage_history(project):
    return list(ProjectStageChange.objects.filter(project=project).values_list("from_stage", "to_stage"))


# ---- the board ----


def test_the_board_shows_every_stage_and_the_side_states_with_counts_and_cards(client):
    me = officer(display_name="王招商")
    big = ProjectFactory(owner=me, name="大项目", total_investment=Decimal("12000"), fixed_asset_investment=Decimal("0"))
    small = ProjectFactory(owner=me, name="小项目", total_investment=Decimal("800"), fixed_asset_investment=Decimal("0"))
    project_change_stage(project=small, to=Stage.CONTACTED, actor=me)
    client.force_login(me)

    response = client.get(BOARD)

    assert response.status_code == 200
    assert [c.stage for c in response.context["columns"]] == [
        "lead", "contacted", "negotiating", "signed", "registered", "construction", "production", "on_hold", "lost",
    ]
    assert [c.label for c in response.context["columns"]][-2:] == ["暂缓", "终止"]
    assert [(c.count, [p.name for p in c.cards]) for c in response.context["columns"][:2]] == [
        (1, ["大项目"]), (1, ["小项目"]),
    ]
    page = response.content.decode()
    assert "1.20 亿元" in page and "800 万元" in page  # ≥ 10,000 万元 reads in 亿元
    assert page.count('<span class="zj-badge zj-key">重点</span>') == 1
    assert "王招商" in page and "未跟进" in page
    assert big.enterprise.name in page


def test_a_card_offers_only_the_legal_moves(client):
    me = officer()
    project = ProjectFactory(owner=me)
    client.force_login(me)

    card = _column(client.get(BOARD), "lead").html

    assert 'data-allowed="contacted on_hold lost"' in card
    assert '<option value="contacted">初步接洽</option>' in card
    assert 'value="signed"' not in card
    assert f'data-move="{_move_url(project)}"' in card


def test_a_colleague_s_card_offers_no_move_but_a_shared_one_and_the_lead_s_do(client):
    """The ownership rule (crm.pipeline.ownership) decides which cards may be dragged, as it decides the move."""
    me = officer()
    colleague = officer()
    theirs = ProjectFactory(owner=colleague, name="同事的项目")
    shared = ProjectFactory(owner=colleague, name="协办项目")
    shared.co_officers.add(me)
    client.force_login(me)

    cards = _column(client.get(BOARD, {"scope": "all"}), "lead").html

    assert f'data-move="{_move_url(shared)}"' in cards
    assert f'data-move="{_move_url(theirs)}"' not in cards
    assert cards.count('<select name="to"') == 1

    client.force_login(investment_lead())
    cards = _column(client.get(BOARD, {"scope": "all"}), "lead").html
    assert cards.count('<select name="to"') == 2


def test_a_held_card_offers_to_resume_where_it_stopped(client):
    me = officer()
    project = ProjectFactory(owner=me)
    project_change_stage(project=project, to=Stage.CONTACTED, actor=me)
    project_change_stage(project=project, to=Stage.ON_HOLD, actor=me)
    client.force_login(me)

    card = _column(client.get(BOARD), "on_hold").html

    assert 'data-allowed="contacted lost"' in card


def test_a_manager_sees_the_board_without_moves_and_a_service_officer_is_refused(client):
    ProjectFactory()
    client.force_login(manager())
    response = client.get(BOARD)
    assert response.status_code == 200
    assert _column(response, "lead").count == 1  # a manager starts on “all”
    assert "<select name=\"to\"" not in _column(response, "lead").html

    client.force_login(service_officer())
    assert client.get(BOARD).status_code == 403


# ---- filters ----


def test_an_officer_starts_on_mine_and_may_see_all(client):
    me = officer()
    colleague = officer()
    ProjectFactory(owner=me, name="我的项目")
    shared = ProjectFactory(owner=colleague, name="协办项目")
    shared.co_officers.add(me)
    ProjectFactory(owner=colleague, name="同事的项目")
    client.force_login(me)

    mine = _column(client.get(BOARD), "lead")
    everyone = _column(client.get(BOARD, {"scope": "all"}), "lead")

    assert (mine.count, sorted(p.name for p in mine.cards)) == (2, ["协办项目", "我的项目"])
    assert (everyone.count, sorted(p.name for p in everyone.cards)) == (3, ["协办项目", "同事的项目", "我的项目"])


def test_the_filters_narrow_the_board_by_owner_chain_park_and_priority(client):
    me = officer()
    other = officer()
    park = ParkFactory()
    ProjectFactory(owner=me, name="机器人", industry_chain=IndustryChain.ROBOTICS)
    ProjectFactory(owner=me, name="生命健康", industry_chain=IndustryChain.LIFE_HEALTH, park=park)
    ProjectFactory(owner=other, name="重点", total_investment=Decimal("20000"))
    ProjectFactory(owner=other, name="重大", total_investment=Decimal("150000"))
    client.force_login(me)

    def names(**query):
        return sorted(p.name for p in _column(client.get(BOARD, {"scope": "all", **query}), "lead").cards)

    assert names(owner=other.pk) == ["重大", "重点"]
    assert names(chain="life_health") == ["生命健康"]
    assert names(park=park.pk) == ["生命健康"]
    assert names(priority="key") == ["重大", "重点"]
    assert names(priority="major") == ["重大"]
    assert names(chain="no-such-chain") == ["机器人", "生命健康", "重大", "重点"]  # an unknown value is no filter


# ---- pages and query counts ----


def _projects(owner, n):
    enterprise = EnterpriseFactory()
    for i in range(n):
        ProjectFactory(owner=owner, enterprise=enterprise, name=f"项目{i:03d}", total_investment=Decimal(1000 + i),
                       fixed_asset_investment=Decimal("0"))


def test_a_column_shows_its_first_cards_then_loads_more(client):
    me = officer()
    _projects(me, PAGE_SIZE + 5)
    client.force_login(me)

    board = client.get(BOARD)
    column = _column(board, "lead")
    assert (column.count, len(column.cards), column.more) == (PAGE_SIZE + 5, PAGE_SIZE, True)
    assert column.cards[0].name == f"项目{PAGE_SIZE + 4:03d}"  # largest first
    assert "加载更多" in board.content.decode()

    more = client.get(reverse("admin:crm_project_kanban_more", args=["lead"]), {"offset": PAGE_SIZE}).json()
    assert more["next"] is None
    assert more["html"].count('class="zj-card"') == 5
    assert "项目004" in more["html"] and "项目005" not in more["html"]


def _board_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(BOARD, {"scope": "all"}).status_code == 200
    return len(queries)


def test_the_board_runs_the_same_queries_at_any_size(client, django_assert_num_queries):
    me = officer()
    _projects(me, 3)
    held = Project.objects.first()
    project_change_stage(project=held, to=Stage.ON_HOLD, actor=me)
    client.force_login(me)
    client.get(BOARD)  # warm the session
    small = _board_queries(client)

    _projects(me, 60)
    for project in Project.objects.filter(stage=Stage.LEAD)[:30]:
        project_change_stage(project=project, to=Stage.ON_HOLD, actor=me)

    # 19: session, user, the user's groups (role); the counts by stage (one GROUP BY); one query per column
    # (nine; the 暂缓 one reads the stage before the hold in the same query); the user's and the groups'
    # permissions (the admin's app list); the officers and the parks for the filters; the header's unread badge;
    # the site profile the header names the park by (crm.notifications.site).
    assert small == 19
    assert _board_queries(client) == small
    with django_assert_num_queries(small):
        client.get(BOARD, {"scope": "all"})


def test_loading_more_runs_the_same_queries_at_any_size(client):
    me = officer()
    _projects(me, PAGE_SIZE + 2)
    client.force_login(me)
    url = reverse("admin:crm_project_kanban_more", args=["lead"])
    client.get(url, {"offset": PAGE_SIZE})
    with CaptureQueriesContext(connection) as small:
        client.get(url, {"offset": PAGE_SIZE})
    _projects(me, 80)
    with CaptureQueriesContext(connection) as large:
        client.get(url, {"offset": PAGE_SIZE})
    # session, user, the user's groups, the page of cards
    assert len(large) == len(small) == 4


# ---- moves ----


def test_a_legal_drop_moves_the_card_through_the_service(client):
    me = officer()
    project = ProjectFactory(owner=me)
    client.force_login(me)

    response = client.post(_move_url(project), {"to": "contacted"})

    assert response.status_code == 200
    body = response.json()
    assert body["stage"] == "contacted"
    assert body["message"] == f"项目“{project.name}”已转到“初步接洽”。"
    assert 'data-stage="contacted"' in body["html"]
    assert _stage_history(project) == [("", "lead"), ("lead", "contacted")]


def test_an_illegal_drop_is_refused_with_the_service_s_message_and_nothing_changes(client):
    me = officer()
    project = ProjectFactory(owner=me)
    client.force_login(me)

    response = client.post(_move_url(project), {"to": "signed"})

    assert response.status_code == 409
    assert response.json() == {"error": "项目当前处于“线索”，不能转到“签约”。可转到：初步接洽、暂缓、终止。"}
    project.refresh_from_db()
    assert project.stage == Stage.LEAD
    assert _stage_history(project) == [("", "lead")]


def test_lost_without_a_reason_is_refused_and_with_one_it_is_recorded(client):
    me = officer()
    project = ProjectFactory(owner=me)
    client.force_login(me)

    refused = client.post(_move_url(project), {"to": "lost", "note": "  "})
    assert refused.status_code == 400
    assert refused.json() == {"error": "终止项目必须填写原因。"}
    project.refresh_from_db()
    assert (project.stage, project.lost_reason, _stage_history(project)) == (Stage.LEAD, "", [("", "lead")])

    done = client.post(_move_url(project), {"to": "lost", "note": "企业迁往外省"})
    assert done.status_code == 200
    project.refresh_from_db()
    assert (project.stage, project.lost_reason) == (Stage.LOST, "企业迁往外省")


def test_a_move_by_a_role_that_may_not_change_projects_is_forbidden(client):
    project = ProjectFactory()
    client.force_login(manager())

    response = client.post(_move_url(project), {"to": "contacted"})

    assert response.status_code == 403
    assert response.json() == {"error": "只有招商专员可以修改项目和跟进记录。"}
    project.refresh_from_db()
    assert project.stage == Stage.LEAD


def test_a_service_officer_cannot_move_a_card(client):
    project = ProjectFactory()
    client.force_login(service_officer())

    assert client.post(_move_url(project), {"to": "contacted"}).status_code == 403
    project.refresh_from_db()
    assert project.stage == Stage.LEAD


def test_a_move_needs_the_csrf_token(client):
    from django.test import Client

    me = officer()
    project = ProjectFactory(owner=me)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(me)

    assert strict.post(_move_url(project), {"to": "contacted"}).status_code == 403
    project.refresh_from_db()
    assert project.stage == Stage.LEAD


def test_a_move_is_a_post(client):
    me = officer()
    project = ProjectFactory(owner=me)
    client.force_login(me)
    assert client.get(_move_url(project), {"to": "contacted"}).status_code == 405


def test_an_unknown_project_or_column_is_a_404_and_a_service_officer_gets_no_page(client):
    me = officer()
    ProjectFactory(owner=me)
    client.force_login(me)
    assert client.post(reverse("admin:crm_project_kanban_move", args=[999999]), {"to": "contacted"}).status_code == 404
    assert client.get(reverse("admin:crm_project_kanban_more", args=["nowhere"])).status_code == 404

    client.force_login(service_officer())
    assert client.get(reverse("admin:crm_project_kanban_more", args=["lead"])).status_code == 403


@pytest.mark.parametrize("value", ["99999999999999999999", "²", "-1", "1e3"])
def test_a_number_typed_into_the_url_that_is_no_id_is_no_filter(client, value):
    me = officer()
    ProjectFactory(owner=me)
    client.force_login(me)

    board = client.get(BOARD, {"scope": "all", "owner": value, "park": value})
    more = client.get(reverse("admin:crm_project_kanban_more", args=["lead"]), {"scope": "all", "offset": value})

    assert (board.status_code, _column(board, "lead").count) == (200, 1)
    assert (more.status_code, more.json()["html"].count('class="zj-card"')) == (200, 1)
