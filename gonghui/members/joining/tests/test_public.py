"""The public online joining pages: apply (both paths), validation, rules, rate limits, status."""

import pytest
from django.core.cache import cache

from gonghui.audit.models import AuditEvent
from gonghui.core.crypto import keyed_hash
from gonghui.members.joining import services as joining
from gonghui.members.joining.tests.matrix import build_application
from gonghui.members.models import JoinApplication, JoinPath, JoinStatus
from gonghui.members.tests.factories import build_member, make_id_number
from gonghui.testing.fixtures import build_enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def employer(tree):
    return build_enterprise(org=tree.a, name="甲镇快递有限公司", has_union=True, union=tree.ae)


def _post(client, **overrides):
    data = {
        "name": "王小明",
        "id_number": make_id_number(male=True),
        "phone": "13912345678",
        "employment_form": "courier",
        "path": JoinPath.HOLDING_POOL,
        "pool_org": "",
        "employer": "",
        "employer_query": "",
    }
    data.update(overrides)
    return client.post("/join/", data), data


def test_apply_page_renders_for_anonymous(client, tree):
    response = client.get("/join/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "网上申请加入工会" in body
    for label in ("货车司机", "快递员", "护工护理员", "家政服务员", "商场信息员", "网约送餐员"):
        assert label in body
    assert "甲镇总工会" in body and "乙镇总工会" in body  # holding pools
    assert "甲镇一村工会" not in body  # grassroots unions are not pools


def test_submit_holding_pool_goes_to_township_queue(client, tree):
    response, data = _post(client, pool_org=str(tree.b.pk))
    assert response.status_code == 302 and response["Location"] == "/join/done/"
    app = JoinApplication.objects.get()
    assert app.org == tree.b and app.path == JoinPath.HOLDING_POOL
    assert app.status == JoinStatus.PENDING
    assert app.gender == "male" and app.id_number == data["id_number"]
    assert app.id_number_hash == keyed_hash(data["id_number"])
    assert app.submitted_ip == "127.0.0.1"
    done = client.get("/join/done/")
    assert "乙镇总工会" in done.content.decode() and "接下来" in done.content.decode()
    assert AuditEvent.objects.filter(action="created", object_id=str(app.pk)).exists()


def test_submit_employer_union_goes_to_employer_union(client, tree, employer):
    response, _ = _post(client, path=JoinPath.EMPLOYER_UNION, employer=str(employer.pk))
    assert response.status_code == 302
    app = JoinApplication.objects.get()
    assert app.org == tree.ae and app.employer == employer
    assert app.employer_name == "甲镇快递有限公司"


def test_employer_by_credit_code_without_js(client, tree, employer):
    response, _ = _post(client, path=JoinPath.EMPLOYER_UNION, employer_query=employer.credit_code)
    assert response.status_code == 302
    assert JoinApplication.objects.get().employer == employer


def test_employer_without_union_falls_back_to_covering_org(client, tree):
    covered = build_enterprise(org=tree.a1, has_union=True, union=None)
    _post(client, path=JoinPath.EMPLOYER_UNION, employer=str(covered.pk))
    assert JoinApplication.objects.get().org == tree.a1


def test_employer_search_returns_only_unionised_limited(client, tree, employer):
    build_enterprise(org=tree.a, name="甲镇快递无工会公司", has_union=False)
    for i in range(12):
        build_enterprise(org=tree.a, name=f"甲镇快递分公司{i:02d}", has_union=True, union=tree.ae)
    response = client.get("/join/employers/", {"q": "甲镇快递"})
    assert response.status_code == 200
    results = response.json()["results"]
    assert len(results) == 10
    assert all(
        set(r) == {"id", "name", "credit_code", "area", "credit_code_tail", "label"}
        for r in results
    )
    assert "甲镇快递无工会公司" not in response.content.decode()
    by_code = client.get("/join/employers/", {"q": employer.credit_code}).json()["results"]
    assert [r["id"] for r in by_code] == [employer.pk]
    assert client.get("/join/employers/", {"q": "甲"}).json()["results"] == []


def test_employers_of_the_same_name_are_told_apart_by_area_and_code_tail(
    client, tree, django_assert_max_num_queries
):
    """Issue 14 #8: two 同名 employers in the join search looked identical."""
    first = build_enterprise(org=tree.a1, name="同名物流有限公司", has_union=True, union=tree.ae)
    second = build_enterprise(org=tree.b1, name="同名物流有限公司", has_union=True)
    with django_assert_max_num_queries(2):
        results = client.get("/join/employers/", {"q": "同名物流"}).json()["results"]
    labels = {r["id"]: r["label"] for r in results}
    assert (
        labels[first.pk]
        == f"同名物流有限公司（甲镇总工会 · 信用代码尾号 {first.credit_code[-6:]}）"
    )
    assert (
        labels[second.pk]
        == f"同名物流有限公司（乙镇总工会 · 信用代码尾号 {second.credit_code[-6:]}）"
    )


def test_employer_without_union_is_refused(client, tree):
    plain = build_enterprise(org=tree.a, has_union=False)
    response, _ = _post(client, path=JoinPath.EMPLOYER_UNION, employer=str(plain.pk))
    assert response.status_code == 422
    assert "未找到该单位工会" in response.content.decode()
    assert not JoinApplication.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "330102198001010000", "校验位不正确"),
        ("id_number", "", "请填写身份证号"),
        ("phone", "12345", "手机号码应为 11 位"),
        ("name", "", "请填写姓名"),
        ("employment_form", "", "请选择就业形态"),
        ("pool_org", "", "请选择您工作或居住地所在的乡镇"),
        ("path", "", "请选择入会途径"),
    ],
)
def test_validation_errors_show_at_the_field(client, tree, field, value, message):
    overrides = {"pool_org": str(tree.a.pk), field: value}
    response, _ = _post(client, **overrides)
    assert response.status_code == 422
    body = response.content.decode()
    assert message in body
    assert f'id="id_{field}_errors"' in body
    assert not JoinApplication.objects.exists()


def test_grassroots_org_is_not_a_pool(client, tree):
    response, _ = _post(client, pool_org=str(tree.a1.pk))
    assert response.status_code == 422
    assert not JoinApplication.objects.exists()


def test_full_width_and_lowercase_x_are_normalised(client, tree):
    number = make_id_number()
    wide = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in number)
    response, _ = _post(client, id_number=wide, pool_org=str(tree.a.pk))
    assert response.status_code == 302
    assert JoinApplication.objects.get().id_number == number


def test_one_pending_application_per_id(client, tree):
    number = make_id_number()
    _post(client, id_number=number, pool_org=str(tree.a.pk))
    response, _ = _post(client, id_number=number, pool_org=str(tree.b.pk))
    assert response.status_code == 422
    assert "待审核的入会申请" in response.content.decode()
    assert JoinApplication.objects.count() == 1


def test_existing_member_cannot_apply_and_union_is_not_named(client, tree):
    member = build_member(org=tree.b1, name="老会员")
    response, _ = _post(client, id_number=member.id_number, pool_org=str(tree.a.pk))
    assert response.status_code == 422
    body = response.content.decode()
    assert "您已是工会会员" in body
    assert "乙镇一村工会" not in body and member.card_number not in body


def test_rejected_applicant_can_reapply(client, tree):
    number = make_id_number()
    build_application(org=tree.a, id_number=number, status=JoinStatus.REJECTED)
    response, _ = _post(client, id_number=number, pool_org=str(tree.a.pk))
    assert response.status_code == 302
    assert JoinApplication.objects.filter(status=JoinStatus.PENDING).count() == 1


def test_rate_limit_per_ip(client, tree):
    for _ in range(joining.SUBMIT_PER_IP):
        response, _ = _post(client, pool_org=str(tree.a.pk))
        assert response.status_code == 302
    response, _ = _post(client, pool_org=str(tree.a.pk))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert JoinApplication.objects.count() == joining.SUBMIT_PER_IP


def test_rate_limit_per_id_number(client, tree):
    number = make_id_number()
    for i in range(joining.SUBMIT_PER_ID):
        build_application(
            org=tree.a, id_number=number, status=JoinStatus.REJECTED, submitted_ip=f"10.0.0.{i}"
        )
    response, _ = _post(client, id_number=number, pool_org=str(tree.a.pk))
    assert response.status_code == 429
    assert "今日提交次数过多" in response.content.decode()


def test_csrf_is_enforced(tree):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/join/", {"name": "x"})
    assert response.status_code == 403


# --- status check ---------------------------------------------------------------------


def _status(client, id_number, phone):
    return client.post("/join/status/", {"id_number": id_number, "phone": phone})


def test_status_match_shows_status_union_and_reason(client, tree):
    number = make_id_number()
    build_application(
        org=tree.a,
        id_number=number,
        phone="13711112222",
        status=JoinStatus.REJECTED,
        reject_reason="请补充工作证明",
    )
    response = _status(client, number, "137 1111 2222")
    assert response.status_code == 200
    body = response.content.decode()
    assert "未通过" in body and "甲镇总工会" in body and "请补充工作证明" in body
    assert "重新申请" in body


def test_status_shows_latest_application(client, tree):
    number = make_id_number()
    build_application(org=tree.a, id_number=number, status=JoinStatus.REJECTED, reject_reason="旧")
    build_application(org=tree.b, id_number=number)
    body = _status(client, number, "13600001234").content.decode()
    assert "待审核" in body and "乙镇总工会" in body


def test_status_phone_mismatch_looks_like_unknown_id(client, tree):
    number = make_id_number()
    build_application(org=tree.a, id_number=number, phone="13711112222")
    mismatch = _status(client, number, "13799998888")
    unknown = _status(client, make_id_number(), "13799998888")
    assert mismatch.status_code == unknown.status_code == 404
    assert joining.STATUS_NOT_FOUND in mismatch.content.decode()
    assert "甲镇总工会" not in mismatch.content.decode()
    strip = lambda r: r.content.decode().replace(number, "")  # noqa: E731
    assert len(strip(mismatch)) == pytest.approx(len(unknown.content.decode()), abs=40)


def test_status_invalid_id_shows_field_error(client, tree):
    response = _status(client, "123", "13711112222")
    assert response.status_code == 422
    assert "身份证号应为 18 位" in response.content.decode()


def test_status_rate_limited(client, tree):
    number = make_id_number()
    for _ in range(joining.STATUS_PER_ID):
        assert _status(client, number, "13799998888").status_code == 404
    response = _status(client, number, "13799998888")
    assert response.status_code == 429
    assert "查询过于频繁" in response.content.decode()


def test_refused_attempts_are_rate_limited_too(client, tree, monkeypatch):
    # probing ID numbers for "already a member" answers is limited per IP as well
    monkeypatch.setattr(joining, "SUBMIT_ATTEMPTS_PER_IP", 3)
    member = build_member(org=tree.b1)
    for _ in range(3):
        response, _ = _post(client, id_number=member.id_number, pool_org=str(tree.a.pk))
        assert response.status_code == 422
    response, _ = _post(client, id_number=member.id_number, pool_org=str(tree.a.pk))
    assert response.status_code == 429
