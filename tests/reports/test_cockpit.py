"""The cockpit (大屏, /reports/cockpit/): the pipeline and service figures on one screen, the same numbers as the pages.

On the worlds of tests/reports/conftest.py at 2024-12-20 10:00: the cockpit without parameters opens on the pipeline
page's own default period, 本年 (2024-01-01 to today, 2024-12-20), and shows what the pipeline and service pages show
for it, each card beside the same figure a year earlier (同比).
"""

import datetime as dt
import json

import pytest
import time_machine
from django.test import Client

from reports.cockpit import cockpit_figures
from reports.forms import ReportFilterForm
from reports.selectors.pipeline import pipeline_report
from reports.selectors.service import service_report
from tests.factories import EnterpriseFactory, enterprise_user, officer, service_officer
from tests.factories import service_request as make_request
from tests.reports.conftest import NOW, SHANGHAI, at
from tests.reports.support import page_kpis

pytestmark = pytest.mark.django_db

URL = "/reports/cockpit/"
THIS_YEAR = "period=this_year"
# session + user (2), the user's groups for the manager check (1), the site profile (1), the pipeline page's default
# period's probe (1: the latest stage change, reports.forms.default_period), then the selectors: pipeline 14 (the
# page's own, reports.selectors.pipeline_summary: the summaries' state, then 13), service 11 (every figure computed:
# the count test turns the figures' cache off, as tests/reports/test_query_counts.py does), and both again a year
# earlier for 同比 (as the pages do). The JSON answer reads no site profile.
PAGE_QUERIES = 4 + 1 + (14 + 11) * 2
JSON_QUERIES = 3 + 1 + (14 + 11) * 2
# The cockpit's cards and the page cards they are (the pages' stable Kpi.key); 签约 is a row of the pipeline's
# 年度目标完成情况 table and 三色预警 the total row of the service page's colours table.
PAGE_CARDS = {
    "landed_key": ("pipeline", "landed_key"), "projects": ("pipeline", "cohort_count"),
    "investment": ("pipeline", "cohort_investment"), "arrival_rate": ("pipeline", "arrival_rate"),
    "start_rate": ("pipeline", "start_rate"), "requests": ("service", "total"),
    "on_time_rate": ("service", "sla_compliance"), "overdue": ("service", "overdue"),
}


@pytest.fixture
def both_worlds(pipeline_world, service_world):
    return pipeline_world | service_world


def _cards(response) -> dict[str, dict]:
    return {card["key"]: card for card in response.context["figures"]["cards"]}


def _as_shown(card: dict) -> str:
    return f"{card['value']} {card['unit']}".strip()


def test_a_manager_opens_the_cockpit_with_this_years_pipeline_and_service_figures(both_worlds, manager_client):
    response = manager_client.get(URL)

    assert response.status_code == 200
    cards = _cards(response)
    assert {key: (card["label"], _as_shown(card), card["previous"]) for key, card in cards.items() if key != "colours"} == {
        # P5 (15 亿) landed in 2024; P9 landed too but is under 1 亿
        "landed_key": ("期内落地亿元以上项目", "1 个", "1 个"),
        "signed": ("期内签约项目", "3 个", "0 个"),  # P5, P8, P9 signed in 2024
        # entered in 2024: P1 P2 P3 P8 P9 (P7 too, but lost: left out); a year earlier P4 and P5
        "projects": ("期内入库项目", "5 个", "2 个"),
        "investment": ("期内入库项目总投资", "3.90 亿元", "15.50 亿元"),
        # P8 and P9 are signed or beyond (1.6 亿 committed); no money arrived for them
        "arrival_rate": ("到资率", "0.00 %", "30.00 %"),
        "start_rate": ("开工率", "100.00 %", "0.00 %"),  # P9, the one landed, has an actual 开工 date
        "requests": ("期内提交诉求", "8 件", "0 件"),
        "on_time_rate": ("按时办结率", "50.00 %", "— %"),
        "overdue": ("超期未办结", "1 件", "0 件"),
    }
    assert cards["landed_key"]["note"] == "2024 年度目标 2 个，完成 50.00%"
    assert cards["signed"]["note"] == "签约总投资 16.60 亿元"
    assert cards["overdue"]["level"] == "red"
    assert [(c["label"], c["value"]) for c in cards["colours"]["colours"]] == [("正常", "1"), ("临期", "1"), ("超时", "1")]
    html = response.content.decode()
    assert "更新于 10:00" in html
    assert "统计区间：本年（2024-01-01 至 2024-12-20）" in html
    assert "上年同期 2 个" in html
    # 退出大屏: the reports with the screen's own parameters, which open on the same default period
    assert 'href="/reports/">退出大屏</a>' in html
    assert "退出大屏" in html and "全屏" in html
    assert "/static/vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()


def test_every_card_is_the_report_pages_own_figure_for_the_same_period(both_worlds, manager_client):
    cards = _cards(manager_client.get(URL))
    pages = {"pipeline": manager_client.get(f"/reports/?{THIS_YEAR}"),
             "service": manager_client.get(f"/reports/service/?{THIS_YEAR}")}
    page_cards = {(page, kpi.key): kpi for page, response in pages.items() for kpi in response.context["kpis"]}

    # Each card is the page card of the same key, with its own label, figure, drill-down link, definition, 同比 and note.
    for key, (page, page_key) in PAGE_CARDS.items():
        kpi = page_cards[page, page_key]
        assert (cards[key]["label"], _as_shown(cards[key])) == (kpi.label, page_kpis(pages[page])[kpi.label]), key
        assert (cards[key]["href"], cards[key]["help"], cards[key]["previous"], cards[key]["note"]) == (
            kpi.href, str(kpi.help), str(kpi.previous), str(kpi.note)), key
        assert cards[key]["previous"], key  # 本年 has a year earlier

    tables = {t.key: t for t in pages["pipeline"].context["tables"]}
    signed_row = next(row for row in tables["this_year"].display_rows if row[0][0] == "期内签约项目（个）")
    assert (cards["signed"]["value"], cards["signed"]["href"]) == (signed_row[1][0], signed_row[1][2])
    colours = {t.key: t for t in manager_client.get(f"/reports/service/?{THIS_YEAR}").context["tables"]}["request_colours"]
    assert [(c["value"], c["href"]) for c in cards["colours"]["colours"]] == [
        (text, href) for text, _n, href in colours.display_total[1:4]
    ]


def test_the_charts_are_the_pages_tables_funnel_stages_colours_and_categories(both_worlds, manager_client):
    charts = {c["id"]: c for c in manager_client.get(URL).context["figures"]["charts"]}

    assert list(charts) == ["cockpit-funnel", "cockpit-stages", "cockpit-request_colours", "cockpit-categories"]
    assert charts["cockpit-funnel"]["kind"] == "funnel"
    assert charts["cockpit-funnel"]["series"][0]["data"] == [6, 5, 4, 2, 1, 0, 0]
    assert charts["cockpit-stages"]["categories"][:3] == ["线索", "初步接洽", "深度洽谈"]
    assert charts["cockpit-request_colours"]["series"][2]["data"] == [1, 0]  # red: R4, a work permit
    assert charts["cockpit-categories"]["kind"] == "hbar"
    assert charts["cockpit-categories"]["series"][0]["data"] == [4, 4]


def test_a_period_in_the_url_is_passed_to_the_same_filter_form(both_worlds, manager_client):
    cards = _cards(manager_client.get(f"{URL}?start=2024-12-01&end=2024-12-31"))

    assert _as_shown(cards["requests"]) == "7 件"  # all but R7, submitted on 11-01
    response = manager_client.get(f"{URL}?start=2024-12-31&end=2024-01-01")
    assert response.status_code == 400
    assert "截止日期不能早于起始日期。" in response.content.decode()


def test_without_activity_this_year_the_cockpit_opens_on_the_pipeline_pages_default_year(
    both_worlds, manager_client, boss
):
    """The worlds' last stage change is in December 2024: on 1 March 2026 both the pipeline page and the cockpit
    open on 2024 (reports.forms.default_period), and show the same figures."""
    with time_machine.travel(dt.datetime(2026, 3, 1, 10, tzinfo=SHANGHAI), tick=False):
        manager_client.force_login(boss)  # the 2024 session has expired by then
        response = manager_client.get(URL)
        pipeline = manager_client.get("/reports/")

    assert response.context["figures"]["period"].startswith("统计区间：2024 年（2024-01-01 至 2024-12-31）")
    assert pipeline.context["filters_text"].startswith("统计区间：2024 年（2024-01-01 至 2024-12-31）")
    cards = _cards(response)
    page_cards = {kpi.key: kpi for kpi in pipeline.context["kpis"]}
    for key, (page, page_key) in PAGE_CARDS.items():
        if page == "pipeline":
            kpi = page_cards[page_key]
            assert (cards[key]["value"], cards[key]["previous"], cards[key]["href"]) == (
                kpi.value, kpi.previous, kpi.href), key
    assert cards["landed_key"]["note"] == "2024 年度目标 2 个，完成 50.00%"  # the year's own target
    assert 'href="/reports/">退出大屏</a>' in response.content.decode()


def test_all_time_has_no_year_earlier_on_the_cockpit_either(both_worlds, manager_client):
    cards = _cards(manager_client.get(f"{URL}?period=all"))

    assert [card["previous"] for card in cards.values()] == [""] * len(cards)
    assert "上年同期" not in "".join(card["previous"] for card in cards.values())


def test_the_json_answer_has_the_same_figures_as_the_page(both_worlds, manager_client):
    page = manager_client.get(URL).context["figures"]
    response = manager_client.get(f"{URL}?format=json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data) == {"cards", "charts", "as_of", "updated_at", "period"}
    assert data["updated_at"] == "10:00"
    assert data["period"].startswith("统计区间：本年（2024-01-01 至 2024-12-20）")
    assert [c["key"] for c in data["cards"]] == [
        "landed_key", "signed", "projects", "investment", "arrival_rate", "start_rate", "requests", "on_time_rate", "overdue", "colours",
    ]
    assert set(data["cards"][0]) == {"key", "group", "label", "value", "unit", "note", "level", "href", "help", "previous"}
    assert data["cards"] == json.loads(json.dumps(page["cards"]))
    assert data["charts"] == json.loads(json.dumps(page["charts"]))


def test_the_json_answer_follows_a_change_in_the_database(both_worlds, manager_client):
    before = {c["key"]: c["value"] for c in manager_client.get(f"{URL}?format=json").json()["cards"]}
    make_request(enterprise=both_worlds["sunshine"], category=both_worlds["permit"], title="新诉求", at=at("2024-12-20", 9))

    after = {c["key"]: c["value"] for c in manager_client.get(f"{URL}?format=json").json()["cards"]}
    assert (before["requests"], after["requests"]) == ("8", "9")


def test_anonymous_visitors_go_to_the_login_but_the_json_answer_says_401(db):
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")

    response = Client().get(f"{URL}?format=json")
    assert response.status_code == 401
    assert response.json() == {"error": "登录已失效，请重新登录后再打开大屏。"}


@pytest.mark.parametrize("make_user", [officer, service_officer], ids=["investment_officer", "service_officer"])
def test_officers_are_refused_the_cockpit(db, make_user):
    client = Client()
    client.force_login(make_user())
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}?format=json").status_code == 403


def test_an_enterprise_user_is_refused_the_cockpit(db):
    client = Client()
    client.force_login(enterprise_user(EnterpriseFactory()))
    response = client.get(URL)
    assert response.status_code == 403
    assert "无权访问数据报表" in response.content.decode()
    assert client.get(f"{URL}?format=json").json() == {"error": "无权访问数据报表。"}


def test_the_refresh_interval_is_a_minute_and_never_under_two_seconds(db, manager_client):
    assert 'data-refresh="60"' in manager_client.get(URL).content.decode()
    assert 'data-refresh="5"' in manager_client.get(f"{URL}?refresh=5").content.decode()
    assert 'data-refresh="2"' in manager_client.get(f"{URL}?refresh=0").content.decode()
    assert 'data-refresh="60"' in manager_client.get(f"{URL}?refresh=abc").content.decode()


def test_the_cockpit_does_not_accept_a_post_or_a_nul_byte(db, manager_client):
    assert manager_client.post(URL).status_code == 405
    assert manager_client.get(f"{URL}?start=%00").status_code == 400


def test_the_report_pages_link_to_the_cockpit_with_their_filters(db, manager_client):
    html = manager_client.get(f"/reports/service/?{THIS_YEAR}").content.decode()
    assert f'href="/reports/cockpit/?{THIS_YEAR.replace("&", "&amp;")}" data-cockpit-link>大屏</a>' in html


def test_the_figures_are_the_selectors_own(both_worlds):
    form = ReportFilterForm({"start": "2024-01-01", "end": "2024-12-31"})
    assert form.is_valid()
    filters = form.filters()
    figures = cockpit_figures(filters, NOW)
    pipeline = pipeline_report(filters=filters, now=NOW)
    service = service_report(filters=filters, now=NOW)

    cards = {card["key"]: card for card in figures["cards"]}
    assert cards["landed_key"]["value"] == str(pipeline["this_year"]["landed_key_count"])
    assert cards["signed"]["value"] == str(pipeline["this_year"]["signed_count"])
    assert cards["projects"]["value"] == str(pipeline["totals"]["count"])
    assert cards["investment"]["note"] == f"{pipeline['totals']['investment_total']:,} 万元"
    assert cards["arrival_rate"]["value"] == str(pipeline["capital"]["arrival_rate"])
    assert cards["start_rate"]["value"] == str(pipeline["rates"]["construction_start_rate"])
    assert cards["requests"]["value"] == str(service["totals"]["total"])
    assert cards["on_time_rate"]["value"] == str(service["totals"]["sla_compliance"])
    assert cards["overdue"]["value"] == str(service["totals"]["overdue"])
    assert [c["value"] for c in cards["colours"]["colours"]] == [str(service["totals"][k]) for k in ("green", "yellow", "red")]
    charts = {chart["id"]: chart for chart in figures["charts"]}
    assert charts["cockpit-funnel"]["series"][0]["data"] == [f["reached"] for f in pipeline["funnel"]]
    assert charts["cockpit-categories"]["series"][0]["data"] == [c["total"] for c in service["categories"]]


def test_the_cockpit_takes_the_same_queries_however_much_data(both_worlds, manager_client, django_assert_num_queries,
                                                              settings):
    from crm.models import warm_lists

    settings.REPORTS_SUMMARY_CACHE_SECONDS = 0  # every figure computed (the caches' own tests: test_*_equal_raw)

    def count():
        warm_lists()
        with django_assert_num_queries(PAGE_QUERIES, info="cockpit page"):
            assert manager_client.get(URL).status_code == 200
        with django_assert_num_queries(JSON_QUERIES, info="cockpit JSON"):
            assert manager_client.get(f"{URL}?format=json").status_code == 200

    count()
    enterprise = EnterpriseFactory()
    user = enterprise_user(enterprise)
    for i in range(10):
        make_request(enterprise=enterprise, submitted_by=user, category=both_worlds["permit"], title=f"追加{i}",
                     at=at("2024-12-01"))
    count()
