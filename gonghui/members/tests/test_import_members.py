"""Import kind "members": header variants, messy cells, upsert by ID number, scope."""

import datetime

import pytest

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core.errors import NotFound
from gonghui.core.imports.services import import_commit, import_errors_export, import_upload
from gonghui.core.imports.tests.files import csv_upload, read_xlsx, xlsx_upload
from gonghui.members.models import EventKind, Member, MembershipEvent, MemberStatus
from gonghui.members.services import DUPLICATE_ELSEWHERE
from gonghui.members.tests.factories import make_id_number
from gonghui.testing.fixtures import build_enterprise

VALID = "11010519491231002X"  # female, born 1949-12-31
LEGACY = "110105491231002"  # the same person's 15-digit number


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def _run(user, rows, *, upload=xlsx_upload, org=None, mode="skip_invalid", **kwargs):
    job = import_upload(actor=user, kind="members", file=upload(rows, **kwargs), org=org)
    if job.valid_rows:
        job = import_commit(actor=user, job=job, mode=mode)
    return job


HEADER = ["姓名", "公民身份号码", "联系电话", "户口性质", "入会日期", "单位名称", "工会编码"]


def test_header_variants_full_width_lowercase_x_legacy_ids_and_date_formats(
    users, tree, enterprise_factory
):
    shop = enterprise_factory(org=tree.a, name="甲镇某某商店")
    factory = enterprise_factory(org=tree.a, name="甲镇某某工厂")
    ids = [make_id_number(male=True) for _ in range(3)]
    serial = (datetime.date(2021, 3, 5) - datetime.date(1899, 12, 30)).days
    rows = [
        HEADER,
        ["张三", _full_width(ids[0][:6]) + "　" + _full_width(ids[0][6:]), "138 0000 1234",
         "农业", serial, "甲镇某某商店", "999001001"],
        ["李四", ids[1][:17] + ids[1][17].lower(), "", "城镇户口", "2021.3.5",
         factory.credit_code, ""],
        ["王五", ids[2], "", "非农业", "2021/03/05", "", ""],
        ["赵六", LEGACY, "13900001111", "农村", "2021年3月5日", "", "999001002"],
    ]  # fmt: skip
    job = _run(users.township_staff, rows, title="2024 年甲镇会员名册")
    assert (job.valid_rows, job.error_rows, job.created_count) == (4, 0, 4)
    members = {m.name: m for m in Member.objects.all()}
    assert {m.joined_on for m in members.values()} == {datetime.date(2021, 3, 5)}
    assert members["张三"].id_number == ids[0]
    assert members["张三"].phone == "13800001234"
    assert members["张三"].employer == shop and members["张三"].org == tree.a1
    assert members["李四"].id_number == ids[1] and members["李四"].employer == factory
    assert members["王五"].org == tree.a  # no org column value: the import's target org
    zhao = members["赵六"]
    assert zhao.id_number == VALID and zhao.gender == "female" and zhao.org == tree.ae
    assert zhao.birth_date == datetime.date(1949, 12, 31)
    assert zhao.name_pinyin == "zhaoliu" and zhao.name_initials == "zl"
    assert len({m.card_number for m in members.values()}) == 4
    joined = MembershipEvent.objects.filter(kind=EventKind.JOINED)
    assert {(e.by, e.org_id) for e in joined} == {
        (users.township_staff, m.org_id) for m in members.values()
    }
    assert joined.count() == 4
    audits = AuditEvent.objects.filter(action=AuditAction.IMPORTED)
    assert audits.count() == 1
    assert audits.get().detail["created"] == 4


def test_duplicate_id_inside_the_file_legacy_form_counts_as_the_same(users, tree):
    rows = [
        ["姓名", "身份证号码", "户籍类型", "入会时间"],
        ["赵六", VALID, "农业", "2021-03-05"],
        ["赵六", LEGACY, "农业", "2021-03-05"],
    ]
    job = _run(users.township_staff, rows, upload=csv_upload)
    assert (job.created_count, job.rejected_count) == (1, 1)
    assert job.error_sample == [
        {"row": 3, "errors": ["身份证号“1101**********002X”与第 2 行重复。"]}
    ]


def test_duplicate_inside_file_message(users, tree):
    number = make_id_number()
    rows = [
        ["姓名", "证件号码", "户籍类型", "入会时间"],
        ["钱七", number, "农业", "2021-03-05"],
        ["钱七", number.lower(), "农业", "2021-03-05"],
    ]
    job = import_upload(actor=users.township_staff, kind="members", file=csv_upload(rows))
    assert job.error_sample == [
        {"row": 3, "errors": [f"身份证号“{number[:4]}**********{number[-4:]}”与第 2 行重复。"]}
    ]
    assert number not in str(job.error_sample)


def test_member_of_another_union_is_reported_not_moved(users, tree, member_factory):
    elsewhere = member_factory(org=tree.b1, name="孙八")
    rows = [
        ["姓名", "身份证号", "户籍类型", "入会时间"],
        ["孙八", elsewhere.id_number, "农业", "2022-01-01"],
    ]
    job = import_upload(actor=users.township_staff, kind="members", file=xlsx_upload(rows))
    assert job.error_sample == [{"row": 2, "errors": [DUPLICATE_ELSEWHERE]}]  # B is not named
    # A county admin importing into township A may see township B: the union is named.
    job = import_upload(
        actor=users.county_admin, kind="members", file=xlsx_upload(rows), org=tree.a
    )
    assert "乙镇一村工会" in job.error_sample[0]["errors"][0]
    elsewhere.refresh_from_db()
    assert elsewhere.org == tree.b1 and elsewhere.status == MemberStatus.ACTIVE


def test_reimport_changes_nothing_and_a_changed_cell_updates(users, tree):
    ids = [make_id_number() for _ in range(3)]
    rows = [
        ["姓名", "身份证号", "手机号", "户籍类型", "入会时间", "学历", "民族", "是否农民工"]
    ] + [
        [f"会员{i}", n, f"1380000{i:04d}", "农业", "2021-03-05", "本科", "汉", "是"]
        for i, n in enumerate(ids)
    ]
    job = _run(users.township_staff, rows)
    assert job.created_count == 3
    cards = dict(Member.objects.values_list("pk", "card_number"))
    job = _run(users.township_staff, rows)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 0, 3)
    assert dict(Member.objects.values_list("pk", "card_number")) == cards
    rows[1][2] = "13911112222"
    rows[2][5] = "大专"
    job = _run(users.township_staff, rows)
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 2, 1)
    first = Member.objects.get(id_number_hash=Member.objects.get(name="会员0").id_number_hash)
    assert first.phone == "13911112222" and first.version == 2
    assert MembershipEvent.objects.filter(kind=EventKind.UPDATED).count() == 2
    assert Member.objects.get(name="会员1").education == "college"
    assert Member.objects.count() == 3


def test_a_former_member_is_not_re_enrolled_by_an_old_list(users, tree, member_factory):
    from gonghui.members.services import member_deactivate

    member = member_factory(org=tree.a1, name="陈十一")
    member_deactivate(actor=None, member=member, reason="离职", on=datetime.date(2025, 1, 2))
    rows = [
        ["姓名", "身份证号", "户籍类型", "入会时间"],
        ["陈十一", member.id_number, "农业", "2020-05-01"],
    ]
    errors = _validated(users, rows)
    assert errors[2] == [
        "此人已于 2025-01-02 从“甲镇一村工会”退会，导入不会恢复会籍；如需重新入会，请在会员管理中办理。"
    ]
    # Someone who left a union outside the import's subtree joins anew.
    member_b = member_factory(org=tree.b1, name="陈十二")
    member_deactivate(actor=None, member=member_b, reason="离职")
    rows[1][:2] = ["陈十二", member_b.id_number]
    job = _run(users.township_staff, rows)
    assert job.created_count == 1
    assert Member.objects.filter(id_number_hash=member_b.id_number_hash).count() == 2


def test_existing_member_in_scope_is_not_moved_by_import(users, tree, member_factory):
    member = member_factory(org=tree.a1, name="周九")
    rows = [["姓名", "身份证号", "工会编码"], ["周九", member.id_number, "999001002"]]
    job = import_upload(actor=users.township_staff, kind="members", file=xlsx_upload(rows))
    assert "会籍转移" in job.error_sample[0]["errors"][0]


def test_out_of_scope_org_is_refused(users, tree):
    rows = [
        ["姓名", "身份证号", "户籍类型", "入会时间", "所属工会编码"],
        ["吴十", make_id_number(), "农业", "2021-03-05", "999002001"],
    ]
    job = import_upload(actor=users.township_staff, kind="members", file=xlsx_upload(rows))
    assert job.error_sample == [
        {"row": 2, "errors": ["工会编码“999002001”不存在或不在导入范围内。"]}
    ]
    with pytest.raises(NotFound):
        import_upload(
            actor=users.township_staff, kind="members", file=xlsx_upload(rows), org=tree.b
        )


def test_an_employer_outside_scope_is_not_linked_but_its_name_is_kept(users, tree):
    other = build_enterprise(org=tree.b, name="乙镇某某厂")
    rows = [
        ["姓名", "身份证号", "户籍类型", "入会时间", "工作单位"],
        ["郑一", make_id_number(), "农业", "2021-03-05", other.name],
    ]
    job = _run(users.township_staff, rows)
    assert (job.created_count, job.rejected_count) == (1, 0)
    member = Member.objects.get()
    assert (member.employer, member.employer_name) == (None, "乙镇某某厂")
    assert member.to_complete == ["工作单位(关联到已登记的用人单位)"]


def test_error_sheet_has_reasons_in_chinese_and_masks_ids(users, tree):
    female = make_id_number(male=False)
    rows = [
        ["姓名", "身份证号", "性别", "户籍类型", "入会时间", "就业形态", "手机号"],
        ["好人", make_id_number(), "男", "农业", "2021-03-05", "外卖骑手", ""],
        ["错一", "110105194912310021", "", "农业", "2021-03-05", "", ""],
        ["错二", female, "男", "", "", "宇航员", "12345"],
        ["错三", make_id_number(), "", "农业", "2099-01-01", "", ""],
    ]
    job = _run(users.township_staff, rows)
    assert (job.created_count, job.rejected_count) == (1, 3)
    assert Member.objects.get().employment_form == "food_delivery"
    errors = {e["row"]: e["errors"] for e in job.error_sample}
    assert errors[3] == ["身份证号校验位不正确，请核对后重新输入。"]
    assert errors[4] == [
        "就业形态：“宇航员”不是可选的值，可填：单位职工(标准劳动关系)、灵活就业、货车司机、快递员、"
        "护工护理员、家政服务员、商场信息员、网约送餐员、房产中介员、保安员、网约车司机。",
        "手机号码应为 11 位中国大陆手机号，如 13800001234。",
    ]  # cells that do not parse stop the row before the cross-field checks
    assert errors[5] == ["入会时间不能晚于今天。"]
    content = import_errors_export(actor=users.township_staff, job=job)
    sheet = read_xlsx(content)
    assert sheet[0][-1] == "错误原因"
    reasons = {row[0]: row for row in sheet[1:]}
    assert female not in str(sheet)
    assert "校验位不正确" in reasons[3][-1]


def _validated(users, rows):
    job = import_upload(actor=users.township_staff, kind="members", file=xlsx_upload(rows))
    return {e["row"]: e["errors"] for e in job.error_sample}


def test_a_new_member_without_hukou_or_joined_date_imports_as_incomplete(users, tree):
    """members.models.MEMBER_TO_COMPLETE: the row imports, the member is 信息待补全; only
    a real contradiction (gender against the ID number) refuses a row."""
    rows = [
        ["姓名", "身份证号", "性别"],
        ["冯二", make_id_number(male=False), "男"],
        ["冯三", make_id_number(male=False), "女"],
    ]
    errors = _validated(users, rows)
    assert errors == {2: ["性别与身份证号不符：身份证号显示为女性。"]}
    job = _run(users.township_staff, rows)
    assert (job.created_count, job.rejected_count) == (1, 1)
    member = Member.objects.get()
    assert (member.hukou_type, member.joined_on) == ("", None)
    assert member.to_complete == ["户籍类型", "入会日期"]
    assert job.findings["incomplete"] == {
        "rows": 1,
        "fields": {"户籍类型": 1, "入会日期": 1},
    }


@pytest.mark.parametrize("mode", ["skip_invalid", "all_or_nothing"])
def test_a_crash_inside_a_batch_leaves_nothing_half_written(users, tree, monkeypatch, mode):
    from gonghui.core.imports.models import ImportStatus
    from gonghui.members import importers
    from gonghui.members.models import CardNumberSequence

    def crash(*args, **kwargs):  # after the batch's members were written
        raise RuntimeError("killed")

    monkeypatch.setattr(importers, "_joined_events", crash)
    rows = [["姓名", "身份证号", "户籍类型", "入会时间"]] + [
        [f"会员{i}", make_id_number(), "农业", "2021-03-05"] for i in range(3)
    ]
    job = _run(users.township_staff, rows, mode=mode)
    assert job.status == ImportStatus.FAILED
    assert Member.objects.count() == 0  # the members of the batch were rolled back too
    assert not CardNumberSequence.objects.filter(last__gt=0).exists()


def test_bulk_written_members_are_complete_rows(users, tree):
    """The batch writer (COPY on PostgreSQL) stores what a saved Member would hold."""
    from django.db import connection

    from gonghui.core.crypto import keyed_hash

    number = make_id_number()
    job = _run(
        users.township_staff,
        [
            ["姓名", "身份证号", "手机号", "户籍类型", "入会时间"],
            ["张三", number, "13800001234", "农业", "2021-03-05"],
        ],
    )
    assert job.created_count == 1
    member = Member.objects.get()
    assert member.id_number == number and member.phone == "13800001234"
    assert member.id_number_hash == keyed_hash(number) and member.id_last4 == number[-4:]
    assert member.name_pinyin == "zhangsan" and member.name_initials == "zs"
    assert member.status == MemberStatus.ACTIVE and member.version == 1
    assert member.created_at is not None and member.updated_at is not None
    assert member.org_anchor_id == member.org.anchor_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, phone FROM members_member WHERE id = %s", [member.pk])
        stored = cursor.fetchone()
    assert all(value.startswith("v1:") for value in stored)  # encrypted at rest
    event = MembershipEvent.objects.get(member=member)
    assert event.kind == EventKind.JOINED and member.card_number in event.note


def _member_rows(ids, *, phone_prefix="1380000"):
    return [["姓名", "身份证号", "手机号", "户籍类型", "入会时间"]] + [
        [f"会员{i}", n, f"{phone_prefix}{i:04d}", "农业", "2021-03-05"] for i, n in enumerate(ids)
    ]


def test_skip_existing_leaves_stored_members_alone_and_adds_new_ones(users, tree):
    ids = [make_id_number() for _ in range(3)]
    _run(users.township_staff, _member_rows(ids[:2]))
    stored = {m.pk: (m.phone, m.version) for m in Member.objects.all()}
    changed = _member_rows(ids, phone_prefix="1391111")
    job = import_upload(actor=users.township_staff, kind="members", file=xlsx_upload(changed))
    assert (job.valid_rows, job.existing_rows) == (3, 2)
    job = import_commit(actor=users.township_staff, job=job, mode="skip_invalid", existing="skip")
    counts = (job.created_count, job.updated_count, job.unchanged_count, job.skipped_count)
    assert counts == (1, 0, 0, 2)
    assert {m.pk: (m.phone, m.version) for m in Member.objects.filter(pk__in=stored)} == stored
    assert Member.objects.count() == 3
    assert not MembershipEvent.objects.filter(kind=EventKind.UPDATED).exists()
    audit = AuditEvent.objects.filter(action=AuditAction.IMPORTED).latest("id")
    assert (audit.detail["existing"], audit.detail["skipped"]) == ("skip", 2)


def test_update_existing_is_the_default_choice(users, tree):
    ids = [make_id_number() for _ in range(2)]
    _run(users.township_staff, _member_rows(ids))
    job = _run(users.township_staff, _member_rows(ids, phone_prefix="1391111"))
    assert (job.existing, job.updated_count, job.skipped_count) == ("update", 2, 0)
    assert set(Member.objects.values_list("phone_last4", flat=True)) == {"0000", "0001"}
    assert Member.objects.get(name="会员1").phone == "13911110001"


def test_unknown_existing_choice_is_refused(users, tree):
    from gonghui.core.errors import ValidationFailed
    from gonghui.core.imports.models import ImportStatus

    job = import_upload(
        actor=users.township_staff, kind="members", file=xlsx_upload(_member_rows([VALID]))
    )
    with pytest.raises(ValidationFailed) as caught:
        import_commit(actor=users.township_staff, job=job, mode="skip_invalid", existing="merge")
    assert caught.value.fields == {"existing": ["请选择如何处理已有记录。"]}
    job.refresh_from_db()
    assert job.status == ImportStatus.READY and not Member.objects.exists()


def test_commit_reuses_the_validated_rows_and_rechecks_the_database(
    users, tree, member_factory, settings
):
    """The commit pass reads the validation pass's sealed spill, not the spreadsheet again,
    but still re-checks against the database: a person who joined another union in the
    meantime is refused at commit, with the row's own cells in the error sheet."""
    from pathlib import Path

    from gonghui.core.imports.spill import spill_relative

    ids = [make_id_number() for _ in range(3)]
    job = import_upload(
        actor=users.township_staff, kind="members", file=xlsx_upload(_member_rows(ids))
    )
    spill = Path(settings.MEDIA_ROOT) / spill_relative(job.file_path)
    assert spill.exists()
    sealed = spill.read_bytes()
    assert ids[0].encode() not in sealed and "会员0".encode() not in sealed
    # Overwrite the stored upload: if the commit re-read the file it would fail to parse.
    (Path(settings.MEDIA_ROOT) / job.file_path).write_bytes(
        xlsx_upload(_member_rows([VALID])).read()
    )
    member_factory(org=tree.b1, id_number=ids[1])  # joined elsewhere after the preview
    job = import_commit(actor=users.township_staff, job=job, mode="skip_invalid")
    assert (job.created_count, job.rejected_count) == (2, 1)
    assert job.error_sample == [{"row": 3, "errors": [DUPLICATE_ELSEWHERE]}]
    assert not spill.exists()  # the personal data it held is gone with the commit
    assert sorted(Member.objects.filter(org=tree.a).values_list("name", flat=True)) == [
        "会员0",
        "会员2",
    ]


def test_a_row_refused_at_commit_keeps_its_cells_in_the_error_sheet(users, tree, member_factory):
    ids = [make_id_number() for _ in range(2)]
    job = import_upload(
        actor=users.township_staff, kind="members", file=xlsx_upload(_member_rows(ids))
    )
    member_factory(org=tree.b1, id_number=ids[1])  # joined elsewhere after the preview
    job = import_commit(actor=users.township_staff, job=job, mode="skip_invalid")
    assert (job.created_count, job.rejected_count) == (1, 1)
    sheet = read_xlsx(import_errors_export(actor=users.township_staff, job=job))
    assert sheet[1][:2] == [3, "会员1"] and sheet[1][-1] == DUPLICATE_ELSEWHERE


def test_commit_without_a_spill_parses_the_file_again(users, tree, settings):
    from pathlib import Path

    from gonghui.core.imports.spill import spill_relative

    ids = [make_id_number() for _ in range(2)]
    rows = _member_rows(ids) + [["坏行", "110105194912310021", "", "农业", "2021-03-05"]]
    job = import_upload(actor=users.township_staff, kind="members", file=xlsx_upload(rows))
    (Path(settings.MEDIA_ROOT) / spill_relative(job.file_path)).unlink()
    job = import_commit(actor=users.township_staff, job=job, mode="skip_invalid")
    assert (job.created_count, job.rejected_count, job.processed_rows) == (2, 1, 3)
    assert job.error_sample == [{"row": 4, "errors": ["身份证号校验位不正确，请核对后重新输入。"]}]


def test_validation_errors_are_carried_into_the_commit_error_sheet_in_row_order(users, tree):
    ids = [make_id_number() for _ in range(2)]
    rows = _member_rows(ids)
    rows.insert(2, ["坏行", "110105194912310021", "", "农业", "2021-03-05"])
    job = _run(users.township_staff, rows)
    assert (job.created_count, job.rejected_count, job.processed_rows) == (2, 1, 3)
    sheet = read_xlsx(import_errors_export(actor=users.township_staff, job=job))
    assert [row[0] for row in sheet[1:]] == [3]
    assert "坏行" in sheet[1]


def test_a_rename_by_import_updates_the_pinyin_and_name_searches(users, tree):
    from gonghui.members.selectors import member_list

    number = make_id_number()
    _run(users.township_staff, _member_rows([number]))
    renamed = _member_rows([number])
    renamed[1][0] = "欧阳明月"
    job = _run(users.township_staff, renamed)
    assert job.updated_count == 1
    member = Member.objects.get()
    assert (member.name_pinyin, member.name_initials) == ("ouyangmingyue", "oymy")
    assert [m.name for m in member_list(users.township_staff, q="明月")] == ["欧阳明月"]
    assert [m.name for m in member_list(users.township_staff, q="oymy")] == ["欧阳明月"]


def test_imported_members_carry_the_keyed_hashes_of_their_own_id_and_phone(users, tree):
    from gonghui.core.crypto import keyed_hash

    ids = [make_id_number() for _ in range(5)]
    rows = _member_rows(ids)
    rows[2][2] = rows[4][2] = ""  # members without a phone among those with one
    job = _run(users.township_staff, rows)
    assert job.created_count == 5
    members = list(Member.objects.all())
    assert sorted(m.phone for m in members) == ["", "", "13800000000", "13800000002", "13800000004"]
    for member in members:
        assert member.id_number_hash == keyed_hash(member.id_number)
        assert member.phone_hash == (keyed_hash(member.phone) if member.phone else "")
