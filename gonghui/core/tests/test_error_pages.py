"""Error pages with debug off: Chinese, in the layout of the part of the site the error
happened in (staff layout for a signed-in user, the workers' H5 layout under /portal/ and
/join/, the JSON error shape under /api/), for Django's own errors too (oversized or
malformed bodies, too many fields, a foreign Host header, CSRF)."""

import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.urls("gonghui.core.tests.urls_errors")]

STAFF_MENU = 'id="sidenav"'
PORTAL_BAR = 'class="portal-bar"'
ENGLISH = ["Bad Request", "Not Found", "Forbidden", "Server Error", "URLconf", "Traceback"]


def text(response) -> str:
    return response.content.decode()


def main_part(response) -> str:
    body = text(response)
    return body[body.index("<main") : body.index("</main>")]


def assert_page(response, status: int, *, layout: str, title: str, message: str = ""):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    body = text(response)
    assert f"<title>{title} ·" in body
    assert message in body
    assert f'data-error-status="{status}"' in body
    for word in ENGLISH:
        assert word not in body, word
    if layout == "staff":
        assert STAFF_MENU in body and PORTAL_BAR not in body
    elif layout == "portal":
        assert PORTAL_BAR in body and STAFF_MENU not in body
        assert "‹ 首页" in body
    else:  # the public page of someone not signed in
        assert STAFF_MENU not in body and PORTAL_BAR not in body
        assert 'class="login-card error-card"' in body


def assert_json(response, status: int, code: str, message: str | None = None):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["code"] == code and body["fields"] == {}
    if message is not None:
        assert body["message"] == message


# --- 404 --------------------------------------------------------------------------------


def test_a_record_outside_the_scope_is_a_chinese_404_in_the_staff_layout(client, users, tree):
    client.force_login(users.township_staff)  # township A; B is a sibling
    response = client.get(f"/orgs/{tree.b.pk}/")
    assert_page(
        response, 404, layout="staff", title="页面不存在", message="该记录不在您的数据范围内"
    )
    assert tree.b.name not in text(response)
    assert "township_staff" in text(response)  # the top bar of the signed-in user
    # and a missing record reads exactly the same
    missing = client.get("/orgs/987654321/")
    assert missing.status_code == 404
    assert main_part(missing) == main_part(response)


def test_an_unknown_address_is_a_chinese_404_for_anyone(client):
    assert_page(client.get("/no/such/page/"), 404, layout="public", title="页面不存在")
    long_path = "/orgs/" + "x" * 5000 + "/"
    assert_page(client.get(long_path), 404, layout="public", title="页面不存在")


@pytest.mark.parametrize("path", ["/portal/no-such-page/", "/join/no-such-page/"])
def test_a_404_under_the_portal_uses_its_h5_layout(client, path):
    assert_page(client.get(path), 404, layout="portal", title="页面不存在", message="链接已失效")


def test_a_404_under_the_api_is_json(client):
    assert_json(client.get("/api/no-such-version/"), 404, "not_found", "记录不存在或您无权访问。")


# --- 403 --------------------------------------------------------------------------------


def test_permission_denied_is_a_chinese_403_in_each_layout(client, users):
    assert_page(client.get("/orgs/__denied__/"), 403, layout="public", title="无权访问")
    assert_page(client.get("/portal/__denied__/"), 403, layout="portal", title="无法办理")
    client.force_login(users.county_staff)
    assert_page(client.get("/orgs/__denied__/"), 403, layout="staff", title="无权访问")


def test_an_expired_form_is_a_chinese_403(users):
    client = Client(enforce_csrf_checks=True)
    assert_page(client.post("/join/", {"name": "张三"}), 403, layout="portal", title="页面已过期")
    assert_page(
        client.post("/accounts/login/", {"username": "x"}),
        403,
        layout="public",
        title="页面已过期",
    )
    client.force_login(users.county_admin)
    assert_page(client.post("/orgs/new/", {"name": "x"}), 403, layout="staff", title="页面已过期")


# --- 400 and 413: Django's own "Bad Request" --------------------------------------------


def test_a_body_over_the_upload_limit_is_a_chinese_413(client, users, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
    big = {"name": "x" * (25 * 1024 * 1024)}
    assert_page(
        client.post("/join/", big), 413, layout="portal", title="提交的内容过大", message="上限"
    )
    client.force_login(users.county_admin)
    assert_page(
        client.post("/orgs/new/", big),
        413,
        layout="staff",
        title="提交的内容过大",
        message="不能超过 25 MB",
    )


def test_too_many_fields_in_a_long_url_is_a_chinese_400(client, users):
    query = "&".join(f"f{i}=1" for i in range(1200))  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000
    client.force_login(users.county_admin)
    assert_page(client.get(f"/orgs/list/?{query}"), 400, layout="staff", title="提交的项目过多")
    form = {f"f{i}": "1" for i in range(1200)}
    assert_page(client.post("/join/", form), 400, layout="portal", title="提交的项目过多")


def test_a_broken_multipart_body_is_a_chinese_400(client, users):
    client.force_login(users.county_admin)
    response = client.generic(
        "POST", "/orgs/new/", b"--x\r\nnot a part", content_type="multipart/form-data"
    )
    assert_page(response, 400, layout="staff", title="提交的内容不完整")


def test_a_foreign_host_header_is_a_chinese_400(client):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example.com")
    assert_page(response, 400, layout="public", title="访问地址不正确")
    assert_page(
        client.get("/portal/", HTTP_HOST="evil.example.com"),
        400,
        layout="portal",
        title="访问地址不正确",
    )
    assert_json(
        client.get("/api/v1/me", HTTP_HOST="evil.example.com"),
        400,
        "bad_request",
        "请使用系统管理员提供的网址访问本系统。",
    )


# --- 500 --------------------------------------------------------------------------------


@pytest.fixture
def server_client():
    return Client(raise_request_exception=False)


def test_a_server_error_is_a_chinese_500_in_each_layout(server_client, users):
    assert_page(server_client.get("/orgs/__broken__/"), 500, layout="public", title="系统繁忙")
    assert_page(server_client.get("/portal/__broken__/"), 500, layout="portal", title="系统繁忙")
    assert_page(server_client.get("/join/__broken__/"), 500, layout="portal", title="系统繁忙")
    assert_json(
        server_client.get("/api/__broken__/"), 500, "server_error", "服务器内部错误，请稍后重试。"
    )
    server_client.force_login(users.county_admin)
    assert_page(server_client.get("/orgs/__broken__/"), 500, layout="staff", title="系统繁忙")


def test_a_500_whose_layout_fails_too_falls_back_to_a_page_that_needs_nothing(
    server_client, users, monkeypatch
):
    # the menu's permission lookup fails as well (the database is down, say)
    def unavailable(*args, **kwargs):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr("gonghui.core.context_processors._link_targets", unavailable)
    server_client.force_login(users.county_admin)
    response = server_client.get("/orgs/__broken__/")
    assert response.status_code == 500
    body = text(response)
    assert "<title>系统繁忙 ·" in body and "服务器处理请求时出错" in body
    assert STAFF_MENU not in body
