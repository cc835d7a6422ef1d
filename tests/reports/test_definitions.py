"""One written definition per number: reports/definitions.py is the one source, docs/reports.md collects it, and every
card and column header of the 招商项目 and 企业服务 pages shows its definition on hover."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from reports.definitions import DEFINITIONS, SECTIONS

DOC = Path(settings.BASE_DIR) / "docs" / "reports.md"


def doc_rows(section: str) -> list[tuple[str, ...]]:
    """The table rows of one ``## section`` of docs/reports.md, as (figure, definition, period by, excluded)."""
    text = DOC.read_text(encoding="utf-8")
    body = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.S | re.M).group(1)
    rows = [line for line in body.splitlines() if line.startswith("| ")]
    cells = [tuple(c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", row)[1:-1]) for row in rows]
    return cells[2:] if cells and cells[0][0] == "指标" else cells


@pytest.mark.parametrize("page", list(DEFINITIONS))
def test_every_definition_is_in_the_document_and_the_document_has_no_other(page):
    written = [(str(d.figure), str(d.text), str(d.period_by), str(d.excluded)) for d in DEFINITIONS[page].values()]

    assert doc_rows(str(SECTIONS[page])) == written


@pytest.mark.parametrize("page", list(DEFINITIONS))
def test_every_definition_is_one_sentence_naming_what_is_counted(page):
    for key, definition in DEFINITIONS[page].items():
        text = str(definition.text)
        assert text.endswith("。") and text.count("。") == 1, (page, key, text)
    figures = [str(d.figure) for d in DEFINITIONS[page].values()]
    assert len(figures) == len(set(figures)), "two definitions share a name in the document"


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "url", "world"), [
    ("pipeline", "/reports/?period=all", "pipeline_world"),
    ("service", "/reports/service/?period=all", "service_world"),
])
def test_every_card_and_column_of_the_page_shows_its_definition_on_hover(page, url, world, request, manager_client):
    request.getfixturevalue(world)
    response = manager_client.get(url)
    texts = {str(d.text) for d in DEFINITIONS[page].values()}

    cards = response.context["kpis"]
    assert cards and all(kpi.help in texts for kpi in cards), [k.label for k in cards if k.help not in texts]
    columns = [(table.title, column.header, column.help) for table in response.context["tables"] for column in table.columns]
    assert [c for c in columns if c[2] not in texts] == []
    html = response.content.decode()
    for kpi in cards:
        assert f'title="{kpi.help}"' in html


def test_cards_that_count_different_things_say_so_in_their_label():
    labels = [str(DEFINITIONS["pipeline"][key].figure) for key in ("cohort_count", "landed_key")]

    assert labels == ["期内入库项目", "期内落地亿元以上项目"]
