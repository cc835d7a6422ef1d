"""Report filters: kept in the URL, validated alike by the pages, the export and the API — never a 500."""

import pytest

from tests.factories import ParkFactory
from tests.reports.support import page_tables

pytestmark = pytest.mark.django_db

BAD = [
    ("start=2024-13-45", "start", "请输入有效的日期，如 2024-12-31。"),
    ("end=yesterday", "end", "请输入有效的日期，如 2024-12-31。"),
    ("start=2024-12-31&end=2024-01-01", "end", "截止日期不能早于起始日期。"),
    ("end=9999-12-31", "end", "日期须在 2000 年至 2100 年之间。"),
    ("start=0001-01-01", "start", "日期须在 2000 年至 2100 年之间。"),
    ("park=abc", "park", "没有这个园区。"),
    ("park=999999999999999999999999", "park", "没有这个园区。"),
    ("park=-1", "park", "没有这个园区。"),
    ("chain=spaceships", "chain", "没有这个产业链。"),
    ("owner=12.5", "owner", "没有这个人员。"),
]


@pytest.mark.parametrize(("query", "field", "message"), BAD)
def test_a_bad_filter_is_shown_as_a_form_error_next_to_its_field(manager_client, query, field, message):
    response = manager_client.get(f"/reports/?{query}")
    assert response.status_code == 200
    form = response.context["form"]
    assert [str(e) for e in form.errors[field]] == [message]
    assert "tables" not in response.context
    assert "筛选条件有误" in response.content.decode()


@pytest.mark.parametrize(("query", "field", "message"), BAD)
def test_a_bad_filter_is_a_400_with_the_field_error_over_the_api(manager_api, query, field, message):
    response = manager_api.get(f"/api/v1/reports/pipeline/?{query}")
    assert response.status_code == 400
    assert response.json()[field] == [message]


@pytest.mark.parametrize("query", [q for q, _f, _m in BAD])
def test_a_bad_filter_is_a_400_for_the_export(manager_client, query):
    assert manager_client.get(f"/reports/service/export.xlsx?{query}").status_code == 400


@pytest.mark.parametrize("query", ["chain=%00", "park=1%00", "start%00=2024-01-01", "owner=%00%00"])
@pytest.mark.parametrize("url", ["/reports/", "/reports/land/export.xlsx"])
def test_a_nul_byte_in_a_parameter_is_a_400_on_the_pages(manager_client, url, query):
    assert manager_client.get(f"{url}?{query}").status_code == 400


@pytest.mark.parametrize("query", ["chain=%00", "park=1%00", "start%00=2024-01-01"])
def test_a_nul_byte_in_a_parameter_is_a_400_over_the_api(manager_api, query):
    response = manager_api.get(f"/api/v1/reports/service/?{query}")
    assert response.status_code == 400
    assert response.json() == {"query": ["参数中不能包含空字符（NUL）。"]}


def test_the_filters_stay_in_the_links_to_the_other_pages_and_the_export(manager_client):
    park = ParkFactory(name="西湖科技园", short_name="西科园")
    response = manager_client.get(f"/reports/?start=2024-01-01&end=2024-12-31&park={park.pk}&utm=x&chain=")
    html = response.content.decode()
    query = f"start=2024-01-01&amp;end=2024-12-31&amp;park={park.pk}"
    assert f'href="/reports/service/?{query}"' in html
    assert f'href="/reports/pipeline/export.xlsx?{query}"' in html
    assert response.context["filters_text"] == "统计区间：2024-01-01 至 2024-12-31；园区：西科园；产业链：全部；负责人：全部"


def test_unknown_parameters_are_ignored(manager_client, manager_api):
    assert page_tables(manager_client.get("/reports/land/?foo=bar"))
    assert manager_api.get("/api/v1/reports/land/?foo=bar").status_code == 200
