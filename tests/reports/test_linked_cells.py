"""A report cell may carry its drill-down link: the page draws it as a link, Excel writes the bare figure."""

from decimal import Decimal

from reports.tables import Column, Kpi, Linked, Table, cell_text


def test_a_linked_cell_reads_as_its_figure_everywhere():
    table = Table("t", "t", [Column("阶段"), Column("项目数", "个")], [["签约", Linked(1234, "/admin/crm/project/?stage=signed")]])
    [[label, count]] = table.display_rows
    assert count == ("1,234", True, "/admin/crm/project/?stage=signed")
    assert label == ("签约", False, "")
    assert cell_text(Linked(Decimal("3.5"), "/x")) == "3.50"


def test_a_chart_segment_carries_the_cell_link():
    from reports.tables import Chart

    table = Table("t", "t", [Column("阶段"), Column("项目数", "个")],
                  [["签约", Linked(3, "/a")], ["落地", 2]], chart=Chart("bar", [1]))
    [serie] = table.chart_data()["series"]
    assert serie["data"] == [3, 2]
    assert serie["links"] == ["/a", ""]


def test_a_card_keeps_its_link_definition_and_year_earlier_value():
    kpi = Kpi("项目总数", "26", "个", href="/admin/crm/project/", help="入库的项目", previous="20")
    assert (kpi.href, kpi.help, kpi.previous) == ("/admin/crm/project/", "入库的项目", "20")
