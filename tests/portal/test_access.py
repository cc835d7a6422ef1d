"""Who gets into the portal: enterprise users only; staff go to the admin; enterprise users never reach the admin."""

import pytest

from tests.factories import UserFactory, service_officer

pytestmark = pytest.mark.django_db
PORTAL = "/portal/"
LOGIN = "/portal/login/"


def test_anonymous_visitor_is_sent_to_the_portal_login(client):
    response = client.get(PORTAL)

    assert response.status_code == 302
    assert response["Location"] == "/portal/login/?next=/portal/"


def test_enterprise_user_logs_in_on_the_portal_and_lands_on_the_request_list(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "pass-1234"})

    assert response.status_code == 302
    assert response["Location"] == "/portal/"
    assert client.session["_auth_user_id"] == str(alice.pk)
    page = client.get(PORTAL)
    assert page.status_code == 200
    assert "我的诉求" in page.content.decode()


def test_login_page_renders_in_chinese_with_a_csrf_token(client, db):
    response = client.get(LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert "企业用户登录" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html


def test_wrong_password_is_refused_on_the_portal(client, alice):
    response = client.post(LOGIN, {"username": "alice", "password": "wrong"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["__all__"][0].startswith("请输入一个正确的")


def test_staff_cannot_log_in_on_the_portal_and_are_pointed_to_the_admin(client, db):
    service_officer(username="zhou")

    response = client.post(LOGIN, {"username": "zhou", "password": "pass-1234"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["__all__"] == ["工作人员请从管理后台 /admin/ 登录。"]


def test_account_without_the_enterprise_role_cannot_log_in_on_the_portal(client, db):
    UserFactory(username="nobody")

    response = client.post(LOGIN, {"username": "nobody", "password": "pass-1234"})

    assert "_auth_user_id" not in client.session
    assert response.context["form"].errors["__all__"] == ["该账号没有企业门户权限，请联系园区企业服务驿站。"]


def test_staff_already_logged_in_are_told_to_use_the_admin(client, db):
    client.force_login(service_officer())

    response = client.get(PORTAL)

    assert response.status_code == 403
    html = response.content.decode()
    assert "请使用管理后台" in html
    assert 'href="/admin/"' in html


def test_account_without_the_enterprise_role_is_refused_by_every_page(client, db):
    client.force_login(UserFactory())

    assert client.get(PORTAL).status_code == 403
    assert client.get("/portal/requests/new/").status_code == 403
    assert client.get("/portal/notifications/").status_code == 403


def test_enterprise_user_cannot_reach_the_admin(client, alice):
    client.force_login(alice)

    index = client.get("/admin/")
    changelist = client.get("/admin/crm/servicerequest/")

    assert index.status_code == 302
    assert index["Location"] == "/admin/login/?next=/admin/"
    assert changelist.status_code == 302
    assert changelist["Location"].startswith("/admin/login/")


def test_enterprise_user_cannot_log_in_to_the_admin(client, alice):
    response = client.post("/admin/login/", {"username": "alice", "password": "pass-1234", "next": "/admin/"})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post_and_ends_the_session(client, alice):
    client.force_login(alice)

    assert client.get("/portal/logout/").status_code == 405
    response = client.post("/portal/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/portal/login/"
    assert "_auth_user_id" not in client.session


def test_portal_login_locks_the_account_at_its_address_after_five_failures_whatever_the_forwarded_address(client, alice):
    for n in range(5):
        client.post(LOGIN, {"username": "alice", "password": "wrong"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

    response = client.post(LOGIN, {"username": "alice", "password": "pass-1234"}, HTTP_X_FORWARDED_FOR="10.9.9.9")

    assert response.status_code == 429
    assert "已暂时禁止从此处登录" in response.content.decode()
    assert "_auth_user_id" not in client.session

