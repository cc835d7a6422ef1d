"""The interface speaks Simplified Chinese first, whatever the browser asks for; English on request."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_admin_login_is_chinese_for_an_english_browser(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "用户名" in response.content.decode()


def test_english_is_available_when_chosen(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/admin/login/")
    assert response.headers["Content-Language"] == "en"
    assert "Username" in response.content.decode()


def test_the_admin_s_select_filter_explains_itself_in_chinese(client):
    """Django 5.2's zh_Hans catalogue lacks the select-filter hints (e.g. under 同时通知的角色组); ours adds them."""
    import json

    from tests.factories import manager

    client.force_login(manager())
    script = client.get("/admin/jsi18n/").content.decode()

    assert json.dumps("在左侧选中%s，再点击“选择”箭头按钮。") in script  # the catalogue is JSON (\\u escapes)
    assert json.dumps("全部移除%s") in script


def test_the_committed_javascript_catalogue_is_compiled_from_its_po_file():
    """A fresh machine has no gettext tools, so djangojs.mo is committed: it must say what the .po says."""
    import ast
    import gettext
    import re
    from pathlib import Path

    folder = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"
    po = (folder / "djangojs.po").read_text(encoding="utf-8")
    pairs = {
        ast.literal_eval(msgid): ast.literal_eval(msgstr)
        for msgid, msgstr in re.findall(r'^msgid (".+")\nmsgstr (".*")$', po, re.M)
    }
    with (folder / "djangojs.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)

    assert pairs and {msgid: compiled.gettext(msgid) for msgid in pairs} == pairs
