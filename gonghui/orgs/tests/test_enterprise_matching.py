"""Employers named in free text (a roster's 工作单位): the name key, the matcher, and the
unverified (待核实) employers an import may create and a later record completes."""

import pytest
from django.urls import reverse

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.core.imports.services import import_upload
from gonghui.core.imports.tests.files import xlsx_upload
from gonghui.orgs.models import Enterprise
from gonghui.orgs.selectors import EnterpriseMatcher, enterprise_scoped
from gonghui.orgs.services import enterprise_update, enterprises_create_unverified
from gonghui.orgs.validators import enterprise_name_key


@pytest.mark.parametrize(
    "written",
    [
        "青禾(杭州)电子科技有限公司",
        "青禾（杭州）电子科技有限公司",
        "青禾【杭州】电子科技有限公司",
        "青禾 (杭州) 电子科技 有限责任公司",
        "青禾杭州电子科技股份有限公司",
        "青禾（杭州）电子科技公司",
        "　青禾(杭州)电子科技有限公司　",
    ],
)
def test_name_variants_share_the_key(written):
    assert enterprise_name_key(written) == "青禾杭州电子科技"


def test_names_that_differ_otherwise_keep_different_keys():
    keys = {
        enterprise_name_key(name)
        for name in ("青禾电子科技有限公司", "青禾电子", "青禾(宁波)电子科技有限公司", "有限公司")
    }
    assert len(keys) == 4
    assert enterprise_name_key("ＡＢＣ物流有限公司") == "abc物流"
    assert enterprise_name_key("有限公司") == "有限公司"  # nothing but a suffix stays


def test_the_matcher_finds_by_code_then_exact_name_then_key(users, tree, enterprise_factory):
    electronics = enterprise_factory(name="青禾(杭州)电子科技有限公司")
    machinery = enterprise_factory(name="青禾机械有限公司")
    twin_a = enterprise_factory(name="同名商店")
    twin_b = enterprise_factory(org=tree.a1, name="同名商店")
    enterprise_factory(org=tree.b, name="乙镇纺织有限公司")
    matcher = EnterpriseMatcher(enterprise_scoped(users.township_staff))
    found = matcher.match(
        [
            electronics.credit_code.lower(),
            "青禾(杭州)电子科技有限公司",
            "青禾机械有限责任公司",
            "同名商店",
            "青禾电子",
            "乙镇纺织有限公司",  # township B's: out of this user's scope
        ]
    )
    assert found == {
        electronics.credit_code.lower(): [electronics.pk],
        "青禾(杭州)电子科技有限公司": [electronics.pk],
        "青禾机械有限责任公司": [machinery.pk],
        "同名商店": sorted([twin_a.pk, twin_b.pk]),
        "青禾电子": [],
        "乙镇纺织有限公司": [],
    }
    assert matcher.by_key == {"青禾机械有限责任公司"}
    assert matcher.names[machinery.pk] == "青禾机械有限公司"


def test_the_matcher_asks_once_per_distinct_text(
    users, tree, enterprise_factory, django_assert_num_queries
):
    enterprise_factory(name="青禾机械有限公司")
    matcher = EnterpriseMatcher(Enterprise.objects.all())
    with django_assert_num_queries(2):  # codes and names, then the key index
        matcher.match(["青禾机械有限责任公司", "某某超市"])
    with django_assert_num_queries(0):
        assert matcher.match(["青禾机械有限责任公司", "某某超市"])["某某超市"] == []


def test_unverified_employers_are_created_in_scope_and_audited(users, tree):
    created = enterprises_create_unverified(
        actor=users.township_staff, org=tree.a, names=["青禾电子", " 某某超市 "], source={"x": 1}
    )
    assert [(e.name, e.verified, e.credit_code, e.org, e.org_anchor_id) for e in created] == [
        ("青禾电子", False, None, tree.a, tree.a.anchor_id),
        ("某某超市", False, None, tree.a, tree.a.anchor_id),
    ]
    audits = AuditEvent.objects.filter(action=AuditAction.CREATED, object_type="orgs.Enterprise")
    assert sorted((a.detail["name"], a.detail["unverified"], a.detail["x"]) for a in audits) == [
        ("某某超市", True, 1),
        ("青禾电子", True, 1),
    ]
    with pytest.raises(NotFound):
        enterprises_create_unverified(actor=users.township_staff, org=tree.b, names=["乙"])
    with pytest.raises(NotFound):  # grassroots staff may not register employers
        enterprises_create_unverified(actor=users.grassroots_staff, org=tree.a1, names=["丙"])
    assert Enterprise.objects.count() == 2


def test_completing_an_unverified_employer_verifies_it(users, tree, enterprise_factory):
    (shop,) = enterprises_create_unverified(actor=None, org=tree.a, names=["青禾电子"])
    with pytest.raises(ValidationFailed) as refused:  # verified means complete
        enterprise_update(actor=users.township_staff, enterprise=shop, name="青禾电子")
    assert set(refused.value.fields) == {"credit_code", "industry", "size"}
    shop = enterprise_update(
        actor=users.township_staff,
        enterprise=shop,
        name="青禾电子科技有限公司",
        credit_code="91330100MA27XL0E2G",
        industry="C",
        size="small",
    )
    assert shop.verified and shop.credit_code == "91330100MA27XL0E2G"
    audit = AuditEvent.objects.filter(action=AuditAction.UPDATED).latest("id")
    assert audit.detail["verified"] is True


def test_the_employer_import_completes_the_unverified_one_of_the_same_name(users, tree):
    (shop,) = enterprises_create_unverified(actor=None, org=tree.a1, names=["青禾电子科技"])
    rows = [
        ["单位名称", "统一社会信用代码", "行业", "规模"],
        ["青禾电子科技有限公司", "91330100MA27XL0E2G", "制造业", "小型"],
    ]
    job = import_upload(
        actor=users.township_staff,
        kind="enterprises",
        file=xlsx_upload(rows),
        direct_mode="skip_invalid",
    )
    assert (job.created_count, job.updated_count) == (0, 1)
    shop.refresh_from_db()
    assert (shop.verified, shop.name, shop.credit_code, shop.org) == (
        True,
        "青禾电子科技有限公司",
        "91330100MA27XL0E2G",
        tree.a1,  # where it was: the row named no union
    )
    assert Enterprise.objects.count() == 1


def test_the_list_filters_unverified_employers_and_the_page_says_what_is_missing(
    users, tree, enterprise_factory, login
):
    enterprise_factory(name="青禾机械有限公司")
    (shop,) = enterprises_create_unverified(actor=None, org=tree.a, names=["青禾电子"])
    client = login(users.township_staff)
    listing = client.get(reverse("orgs:enterprise_list"), {"verified": "0"}).content.decode()
    assert "青禾电子" in listing and "青禾机械有限公司" not in listing
    assert '<span class="badge badge-warn">待核实</span>' in listing
    page = client.get(reverse("orgs:enterprise_detail", args=[shop.pk])).content.decode()
    assert "<strong>待核实</strong>" in page and "补全信息" in page
    api = client.get("/api/v1/enterprises", {"verified": "false"}).json()["items"]
    assert [(e["name"], e["verified"], e["credit_code"]) for e in api] == [("青禾电子", False, "")]
