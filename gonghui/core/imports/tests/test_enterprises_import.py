import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from gonghui.core.imports.models import ImportJob
from gonghui.core.imports.services import import_commit, import_upload
from gonghui.core.imports.tests.files import csv_upload, xlsx_upload
from gonghui.orgs.models import Enterprise


def _code(n: int) -> str:
    body = f"91999001MC{n:07d}"
    return body + uscc.calc_check_digit(body)


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


HEADER = [
    "企业名称",
    "信用代码",
    "所属行业",
    "企业规模",
    "经济性质",
    "员工人数",
    "是否建会",
    "覆盖工会编码",
    "联系电话",
    "法人",
]


def test_enterprises_are_created_with_labels_synonyms_and_full_width_input(users, tree):
    rows = [
        HEADER,
        [
            "甲镇某某科技有限公司",
            _code(1),
            "C 制造业",
            "小型",
            "民营",
            "120人",
            "是",
            "999001001",
            "138-0000-1234",
            "王五",
        ],
        [
            "甲镇某某商店",
            _full_width(_code(2)),
            "批发和零售业",
            "微",
            "个体工商户",
            "3",
            "否",
            "",
            "",
            "",
        ],
        ["坏企业", "91999001MC0000009X", "Z", "巨型", "", "-1", "也许", "999002", "12", ""],
    ]
    job = import_upload(actor=users.township_staff, kind="enterprises", file=xlsx_upload(rows))
    assert (job.valid_rows, job.error_rows) == (2, 1)
    assert job.error_sample == [
        {
            "row": 4,
            "errors": [
                "统一社会信用代码校验位不正确，请核对。",
                "行业：“Z”不是国民经济行业门类，请填写门类字母(A–T)或名称，如“C”或“制造业”。",
                "规模：“巨型”不是可选的值，可填：大型、中型、小型、微型。",
                "职工人数：应为整数(当前为“-1”)。",
                "是否建会：请填写“是”或“否”(当前为“也许”)。",
                "联系电话：格式不正确(应为 7–12 位数字)。",
            ],
        }
    ]
    job = import_commit(actor=users.township_staff, job=job, mode="skip_invalid")
    assert (job.created_count, job.rejected_count) == (2, 1)
    tech = Enterprise.objects.get(credit_code=_code(1))
    assert (tech.industry, tech.size, tech.economic_type, tech.employee_count, tech.has_union) == (
        "C",
        "small",
        "private",
        120,
        True,
    )
    assert (tech.org, tech.contact_phone, tech.legal_representative) == (
        tree.a1,
        "13800001234",
        "王五",
    )
    shop = Enterprise.objects.get(credit_code=_code(2))
    assert (shop.org, shop.industry, shop.size, shop.economic_type) == (
        tree.a,
        "F",
        "micro",
        "individual",
    )


def test_enterprise_reimport_is_unchanged_and_updates_only_what_differs(
    users, tree, enterprise_factory
):
    existing = enterprise_factory(
        org=tree.a1,
        name="甲镇老厂",
        industry="C",
        size="small",
        employee_count=50,
        contact_phone="13800001234",
    )
    rows = [
        ["单位名称", "统一社会信用代码", "行业", "规模", "职工人数", "联系电话"],
        ["甲镇老厂", existing.credit_code, "C", "小型", "50", "13800001234"],
    ]
    job = import_commit(
        actor=users.county_admin,
        mode="all_or_nothing",
        job=import_upload(
            actor=users.county_admin, kind="enterprises", file=csv_upload(rows, encoding="gbk")
        ),
    )
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 1)
    rows[1][4] = "80"
    job = import_commit(
        actor=users.county_admin,
        mode="all_or_nothing",
        job=import_upload(
            actor=users.county_admin,
            kind="enterprises",
            file=csv_upload(rows, encoding="utf-8-sig"),
        ),
    )
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 0)
    existing.refresh_from_db()
    assert (existing.employee_count, existing.org, existing.version) == (80, tree.a1, 2)


def test_an_enterprise_registered_outside_the_scope_is_not_touched(users, tree, enterprise_factory):
    elsewhere = enterprise_factory(org=tree.b1)
    rows = [
        ["单位名称", "统一社会信用代码", "行业", "规模"],
        ["改名", elsewhere.credit_code, "C", "小型"],
    ]
    job = import_upload(actor=users.township_staff, kind="enterprises", file=csv_upload(rows))
    assert job.error_sample == [
        {"row": 2, "errors": ["该统一社会信用代码已由导入范围以外的工会登记，请联系上级工会处理。"]}
    ]
    assert job.valid_rows == 0


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXYIOSVZ -", min_size=16, max_size=20))
def test_fast_credit_code_check_agrees_with_the_validator(value):
    from gonghui.orgs.importers import _credit_code
    from gonghui.orgs.validators import credit_code_clean

    try:
        expected = credit_code_clean(value)
    except ValueError as exc:
        with pytest.raises(ValueError) as caught:
            _credit_code(value)
        assert str(caught.value) == str(exc)
    else:
        assert _credit_code(value) == expected


def test_fast_credit_code_check_accepts_valid_codes():
    from gonghui.orgs.importers import _credit_code

    for n in range(200):
        assert _credit_code(_code(n)) == _code(n)
    assert _credit_code("91110000600037341L") == "91110000600037341L"


def test_error_sheet_is_masked_and_unmasked_only_with_a_reason_for_view_sensitive_users(
    users, tree, login
):
    from django.urls import reverse

    from gonghui.audit.models import AuditAction, AuditEvent
    from gonghui.core.imports.tests.files import read_xlsx

    rows = [
        ["单位名称", "统一社会信用代码", "行业", "规模", "联系电话"],
        ["甲镇一厂", "91999001MC0000009X", "C", "小型", "13812345678"],
    ]
    for user in (users.township_staff, users.county_staff):
        job = import_upload(actor=user, kind="enterprises", file=csv_upload(rows), org=tree.a)
        assert job.preview[0]["cells"][-1] == "138****5678"
        url = reverse("imports:errors", args=[job.pk])
        sheet = read_xlsx(login(user).get(url).content)
        assert sheet[1][5] == "138****5678"
        event = AuditEvent.objects.filter(action=AuditAction.EXPORTED, user=user).get()
        assert event.detail == {
            "what": "import_errors",
            "kind": "enterprises",
            "job": job.pk,
            "unmasked": False,
        }
    # township staff lack view-sensitive: no unmask form, no unmasked sheet
    township_job = ImportJob.objects.filter(user=users.township_staff).get()
    township_url = reverse("imports:errors", args=[township_job.pk])
    client = login(users.township_staff)
    assert client.get(township_url + "?unmask=1").status_code == 404
    assert client.post(township_url, {"reason": "核对"}).status_code == 404
    # county staff: the form asks for a reason, then the sheet is unmasked and audited with it
    county = login(users.county_staff)
    county_url = reverse("imports:errors", args=[ImportJob.objects.get(user=users.county_staff).pk])
    assert "原因" in county.get(county_url + "?unmask=1").content.decode()
    blank = county.post(county_url, {"reason": ""})
    assert "请填写原因。" in blank.content.decode()
    sheet = read_xlsx(county.post(county_url, {"reason": "修改后重新导入"}).content)
    assert sheet[1][5] == "13812345678"
    event = AuditEvent.objects.filter(action=AuditAction.EXPORTED, user=users.county_staff).latest(
        "id"
    )
    assert (event.detail["unmasked"], event.detail["reason"]) == (True, "修改后重新导入")
