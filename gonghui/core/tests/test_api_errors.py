"""The one error shape: every error the API can give, including the framework's own."""

import json

import pytest
from django.test import RequestFactory
from ninja.errors import Throttled

from gonghui.accounts.services import token_create
from gonghui.core.api import cursor_encode, pydantic_message
from gonghui.orgs.models import Org

NOT_FOUND = {"code": "not_found", "message": "记录不存在或您无权访问。", "fields": {}}


@pytest.fixture
def auth(users):
    return {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users.county_admin)}"}


@pytest.mark.parametrize(
    "path",
    ["/api/v1/no-such-thing", "/api/v1/orgs/abc", "/api/v1/orgs/99999999999999999999", "/api/v1/"],
)
def test_an_unknown_path_answers_not_found_as_json(client, auth, path):
    # when
    response = client.get(path, **auth)
    # then
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == NOT_FOUND


def test_a_missing_record_answers_not_found(client, auth):
    # when
    response = client.get("/api/v1/orgs/987654", **auth)
    # then
    assert response.status_code == 404
    assert response.json() == NOT_FOUND


def test_a_wrong_method_answers_405_with_allow(client, auth):
    # when
    response = client.put("/api/v1/orgs", "{}", content_type="application/json", **auth)
    # then
    assert response.status_code == 405
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "该地址不支持此请求方法。",
        "fields": {},
    }
    assert set(response["Allow"].split(", ")) == {"GET", "POST"}


def test_a_body_that_is_not_json_answers_bad_request(client, auth):
    # when
    response = client.post("/api/v1/orgs", "{not json", content_type="application/json", **auth)
    # then
    assert response.status_code == 400
    assert response.json() == {
        "code": "bad_request",
        "message": "请求格式不正确，请求体应为有效的 JSON。",
        "fields": {},
    }


def test_schema_validation_errors_are_chinese_and_keyed_by_field(client, auth, tree):
    # given
    body = {"parent_id": "甲", "name": "x" * 101, "type": "club", "level": 6, "colour": "red"}
    count = Org.objects.count()
    # when
    response = client.post(
        "/api/v1/orgs", json.dumps(body), content_type="application/json", **auth
    )
    # then
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "请检查填写的内容。",
        "fields": {
            "parent_id": ["应为整数。"],
            "name": ["最多 100 个字符。"],
            "type": [
                "取值无效，可选值：federation、township、park、community、enterprise、joint、"
                "industry、institution。"
            ],
            "colour": ["不支持该字段。"],
        },
    }
    assert Org.objects.count() == count


def test_a_missing_field_and_a_body_that_is_not_an_object(client, auth, tree):
    # when
    missing = client.post(
        "/api/v1/orgs", json.dumps({"name": "甲"}), content_type="application/json", **auth
    )
    not_object = client.post("/api/v1/orgs", "[1]", content_type="application/json", **auth)
    # then
    assert missing.status_code == 422
    assert missing.json()["fields"] == {
        "parent_id": ["此项为必填项。"],
        "type": ["此项为必填项。"],
        "level": ["此项为必填项。"],
    }
    assert not_object.status_code == 422
    assert not_object.json()["fields"] == {"__all__": ["应为 JSON 对象。"]}


def test_query_parameter_errors_are_chinese(client, auth):
    # when
    response = client.get("/api/v1/orgs", {"limit": 0, "status": "gone"}, **auth)
    # then
    assert response.status_code == 422
    assert response.json()["fields"] == {
        "status": ["取值无效，可选值：active、inactive。"],
        "limit": ["不能小于 1。"],
    }


@pytest.mark.parametrize("cursor", ["%%%", "bm90LWFuLWlk", cursor_encode(-1)])
def test_a_forged_cursor_answers_validation_error(client, auth, cursor):
    # when
    response = client.get("/api/v1/orgs", {"cursor": cursor}, **auth)
    # then
    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "请检查填写的内容。",
        "fields": {"cursor": ["分页游标无效，请从第一页重新获取。"]},
    }


def test_an_unexpected_error_answers_server_error_without_details(client, auth, monkeypatch):
    # given a selector that blows up
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("gonghui.orgs.selectors.org_list", boom)
    # when
    response = client.get("/api/v1/orgs", **auth)
    # then
    assert response.status_code == 500
    assert response.json() == {
        "code": "server_error",
        "message": "服务器内部错误，请稍后重试。",
        "fields": {},
    }


def test_throttling_answers_rate_limited_with_retry_after(db):
    # given
    from gonghui.api import api

    request = RequestFactory().get("/api/v1/orgs")
    # when
    response = api.on_exception(request, Throttled(wait=30))
    # then
    assert response.status_code == 429
    assert json.loads(response.content) == {
        "code": "rate_limited",
        "message": "请求过于频繁，请稍后再试。",
        "fields": {},
    }
    assert response["Retry-After"] == "31"


@pytest.mark.parametrize(
    ("error", "message"),
    [
        ({"type": "missing"}, "此项为必填项。"),
        ({"type": "string_too_short", "ctx": {"min_length": 2}}, "至少需要 2 个字符。"),
        ({"type": "less_than_equal", "ctx": {"le": 200}}, "不能大于 200。"),
        (
            {"type": "date_from_datetime_parsing", "ctx": {"error": "x"}},
            "日期格式不正确，应为 YYYY-MM-DD。",
        ),
        (
            {"type": "value_error", "ctx": {"error": ValueError("邮箱格式不正确。")}},
            "邮箱格式不正确。",
        ),
        ({"type": "something_new"}, "格式不正确。"),
    ],
)
def test_pydantic_messages_are_chinese(error, message):
    assert pydantic_message(error) == message


# --- a body over the upload limit (DATA_UPLOAD_MAX_MEMORY_SIZE, 25 MiB) ----------------

TOO_BIG = {
    "code": "payload_too_large",
    "message": "请求体过大，不能超过 25 MB。",
    "fields": {},
}


def big_json_body() -> bytes:
    """A valid JSON object one byte over the 25 MiB limit."""
    limit = 25 * 1024 * 1024
    head, tail = b'{"name": "', b'"}'
    return head + b"x" * (limit + 1 - len(head) - len(tail)) + tail


@pytest.mark.parametrize("path", ["/api/v1/join-applications", "/api/v1/join-applications/status"])
def test_a_public_endpoint_answers_413_for_a_body_over_the_limit(client, path, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
    response = client.post(path, big_json_body(), content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json() == TOO_BIG


def test_a_staff_endpoint_answers_413_for_a_body_over_the_limit(client, auth, tree, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
    before = Org.objects.count()
    response = client.post("/api/v1/orgs", big_json_body(), content_type="application/json", **auth)
    assert response.status_code == 413
    assert response.json() == TOO_BIG
    assert Org.objects.count() == before


def test_a_session_write_over_the_limit_answers_413_before_the_csrf_check(client, users, tree):
    # the session's CSRF check reads a form body first: it must not turn into a 500 either
    client.force_login(users.county_admin)
    big_form = {"name": "x" * (25 * 1024 * 1024)}
    response = client.post("/api/v1/orgs", big_form)
    assert response.status_code == 413
    assert response.json() == TOO_BIG


def test_too_many_query_parameters_answer_400_in_the_error_shape(client, auth):
    query = "&".join(f"f{i}=1" for i in range(1200))  # DATA_UPLOAD_MAX_NUMBER_FIELDS is 1000
    response = client.get(f"/api/v1/orgs?{query}", **auth)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert response.json()["message"] == "一次提交的字段或文件数量超出上限，请分批提交。"
