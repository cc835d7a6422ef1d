"""The land-and-space report (土地与空间报表): parcels by status and land use, 出让 in the period, space occupancy.

Parcels: 西科园 L1 M1 20,000 可供地; L2 M1 30,000.50 已出让 2024-03-01; L3 B 15,000 在建 (出让 2023-11-30);
信创园 L4 M0 12,345.67 已出让 2024-12-01; L5 BR 8,000 已交付 (出让 2024-06-01); L6 RD 5,000 规划中.
Spaces: 西科园 1,000 occupied, 500 vacant, 300 reserved; 信创园 2,000 occupied.
"""

from functools import partial

import pytest

from tests.reports.support import page_kpis, page_tables, read_three_ways, sheet_table

pytestmark = pytest.mark.django_db

PAGE = "/reports/land/"
EXPORT = "/reports/land/export.xlsx"
API = "/api/v1/reports/land/"


@pytest.fixture
def three_ways(land_world, manager_client, manager_api):
    """The report for a query string, read from the page, the Excel export and the API."""
    return partial(read_three_ways, manager_client, manager_api, page=PAGE, export=EXPORT, api=API)


def test_parcels_are_counted_by_status_and_by_land_use_with_their_area(three_ways):
    page, sheets, api = three_ways()

    assert [(s["status"], s["count"], s["area_m2"]) for s in api["by_status"]] == [
        ("planned", 1, "5000.00"), ("available", 1, "20000.00"), ("reserved", 0, "0.00"), ("listed", 0, "0.00"),
        ("transferred", 2, "42346.17"), ("under_construction", 1, "15000.00"), ("delivered", 1, "8000.00"),
    ]
    assert [(u["land_use"], u["count"], u["area_m2"]) for u in api["by_land_use"]] == [
        ("M1", 2, "50000.50"), ("M0", 1, "12345.67"), ("B", 1, "15000.00"), ("R", 0, "0.00"), ("BR", 1, "8000.00"),
        ("RD", 1, "5000.00"),
    ]
    assert api["parcel_totals"] == {"count": 6, "area_m2": "90346.17"}
    assert [(c["status"], c["land_use"], c["count"], c["area_m2"]) for c in api["inventory"]] == [
        ("planned", "RD", 1, "5000.00"), ("available", "M1", 1, "20000.00"), ("transferred", "M1", 1, "30000.50"),
        ("transferred", "M0", 1, "12345.67"), ("under_construction", "B", 1, "15000.00"),
        ("delivered", "BR", 1, "8000.00"),
    ]
    tables = page_tables(page)
    assert tables["by_status"]["headers"] == ["状态", "地块（宗）", "面积（m²）"]
    assert tables["by_status"]["rows"][4] == ["已出让", "2", "42,346.17"]
    assert tables["by_status"]["total"] == ["合计", "6", "90,346.17"]
    assert tables["by_land_use"]["rows"][0] == ["工业用地 M1", "2", "50,000.50"]
    assert sheet_table(sheets, "地块库存（按用地性质）")["rows"][-1] == ["合计", 6, 90346.17]


def test_area_transferred_is_counted_for_this_year_unless_a_range_is_given(three_ways):
    page, sheets, api = three_ways()

    transferred = api["transferred"]
    assert (transferred["start"], transferred["end"]) == ("2024-01-01", "2024-12-31")
    assert (transferred["count"], transferred["area_m2"]) == (3, "50346.17")
    assert [(t["land_use"], t["count"], t["area_m2"]) for t in transferred["items"] if t["count"]] == [
        ("M1", 1, "30000.50"), ("M0", 1, "12345.67"), ("BR", 1, "8000.00"),
    ]
    assert page_tables(page)["transferred"]["title"] == "出让地块（2024-01-01 至 2024-12-31）"
    assert page_kpis(page)["区间内出让"] == "3 宗"
    assert sheet_table(sheets, "出让地块（2024-01-01 至 2024-12-31）")["rows"][-1] == ["合计", 3, 50346.17]

    _page, _sheets, api = three_ways("start=2023-11-01&end=2024-03-31")
    assert (api["transferred"]["count"], api["transferred"]["area_m2"]) == (2, "45000.50")


def test_space_occupancy_is_occupied_area_over_total_area_by_park(three_ways, land_world):
    page, sheets, api = three_ways()

    occupancy = api["occupancy"]
    assert [(p["park"], p["units"], p["area_m2"], p["occupied_area_m2"], p["reserved_area_m2"], p["vacant_area_m2"],
             p["occupancy_rate"]) for p in occupancy["items"]] == [
        ("西科园", 3, "1800.00", "1000.00", "300.00", "500.00", "55.56"),
        ("信创园", 1, "2000.00", "2000.00", "0.00", "0.00", "100.00"),
    ]
    assert (occupancy["area_m2"], occupancy["occupied_area_m2"], occupancy["occupancy_rate"]) == (
        "3800.00", "3000.00", "78.95",
    )
    assert page_tables(page)["occupancy"]["total"] == [
        "合计", "4", "2", "3,800.00", "3,000.00", "300.00", "500.00", "78.95",
    ]
    assert sheet_table(sheets, "载体空间入驻率（按园区）")["headers"][-1] == "入驻率（%）"


def test_a_park_filter_keeps_that_parks_parcels_and_spaces(three_ways, land_world):
    _page, sheets, api = three_ways(f"park={land_world['xike'].pk}")

    assert api["parcel_totals"] == {"count": 3, "area_m2": "65000.50"}
    assert (api["transferred"]["count"], api["transferred"]["area_m2"]) == (1, "30000.50")
    assert [p["park"] for p in api["occupancy"]["items"]] == ["西科园"]
    assert "园区：西科园" in sheet_table(sheets, "地块库存（按状态）")["title"]


def test_a_park_without_land_or_space_gives_zeros(three_ways, land_world):
    from tests.factories import ParkFactory

    empty = ParkFactory(name="知识产权综合体")
    page, _sheets, api = three_ways(f"park={empty.pk}")

    assert api["parcel_totals"] == {"count": 0, "area_m2": "0.00"}
    assert api["inventory"] == []
    assert api["occupancy"]["items"] == []
    assert api["occupancy"]["occupancy_rate"] is None
    assert page_tables(page)["inventory"]["rows"] == []
