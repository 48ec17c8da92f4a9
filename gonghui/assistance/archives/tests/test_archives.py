"""Creating and editing archives: validation, encryption, one per household, members, files."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from gonghui.assistance.archives import services
from gonghui.assistance.archives.tests.factories import (
    PDF_BYTES,
    PNG_BYTES,
    archive_fields,
    archive_in,
    build_archive,
    ensure_standard,
)
from gonghui.assistance.choices import ApplicationSource, ArchiveStatus, HardshipCategory
from gonghui.assistance.models import ArchiveAttachment, HardshipArchive, HouseholdMember
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.members.tests.factories import build_member, make_id_number

pytestmark = pytest.mark.django_db


def _state(archive):
    fresh = HardshipArchive.objects.get(pk=archive.pk)
    return (
        fresh.version,
        fresh.annual_income,
        fresh.household_size,
        fresh.category,
        fresh.steps.count(),
        fresh.assessments.count(),
        fresh.household_members.count(),
        fresh.attachments.count(),
    )


def test_create_stores_encrypted_hashed_and_derived_fields(tree, users):
    # given a grassroots union entering a full-width ID with lowercase x
    ensure_standard(tree.a1)
    archive = services.archive_create(
        actor=users.grassroots_staff,
        org=tree.a1,
        **archive_fields(
            id_number="１１０１０５１９４９１２３１００２ｘ",
            phone="138 0000 5678",
            bank_account="6222 0200 0000 1234 567",
            health_detail="高血压",
        ),
    )
    # then the record is canonical, derived and encrypted at rest
    archive.refresh_from_db()
    assert archive.id_number == "11010519491231002X"
    assert archive.id_number_hash == keyed_hash("11010519491231002X")
    assert archive.id_last4 == "002X"
    assert (archive.gender, archive.birth_date) == ("female", datetime.date(1949, 12, 31))
    assert archive.phone == "13800005678"
    assert archive.bank_account == "62220200000001234567"[:19] or archive.bank_account
    assert archive.bank_account_last4 == archive.bank_account[-4:]
    assert archive.source == ApplicationSource.UNION
    assert archive.org_anchor_id == tree.a.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, phone, bank_account, health_detail FROM assistance_hardshiparchive"
            " WHERE id = %s",
            [archive.pk],
        )
        raw = cursor.fetchone()
    assert all(value.startswith("v1:") for value in raw)
    assert "1234" not in "".join(raw)


def test_create_computes_and_explains_the_category(tree):
    archive = build_archive(org=tree.a1)
    assert archive.category == HardshipCategory.DEEP
    assert "人均月净收入 = (18,000.00 − 0.00) ÷ 12 ÷ 3 = 500.00 元" in archive.category_explanation
    assert "低保标准 800.00 元/人·月(测试县总工会 2020 年标准，2020-01-01 起执行)" in (
        archive.category_explanation
    )
    assessment = archive.assessments.get()
    assert assessment.explanation == archive.category_explanation
    assert assessment.thresholds is None  # the county set none: defaults, and it says so
    assert "本县未设置帮扶标准参数，采用默认参数" in assessment.explanation


def test_create_links_the_member_and_their_employer(tree, enterprise_factory):
    employer = enterprise_factory()
    member = build_member(org=tree.a1, employer=employer)
    archive = build_archive(org=tree.a1, id_number=member.id_number, employer_name="")
    assert archive.member == member
    assert archive.employer_name == employer.name


def test_member_of_another_county_is_refused(tree):
    from gonghui.orgs.models import OrgLevel, OrgType
    from gonghui.orgs.services import org_create

    other = org_create(
        actor=None,
        parent=tree.city,
        name="外县总工会",
        type=OrgType.FEDERATION,
        level=OrgLevel.COUNTY,
        code="998",
    )
    member = build_member(org=other)
    ensure_standard(tree.a1)
    with pytest.raises(ValidationFailed) as refused:
        build_archive(org=tree.a1, id_number=member.id_number)
    assert refused.value.fields["id_number"] == [
        "该职工是外县总工会所属工会的会员，应由其所在县总工会建档。"
    ]
    assert not HardshipArchive.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"annual_income": "-1"}, "annual_income", "家庭年可支配收入不能为负数。"),
        (
            {"annual_income": "20000000"},
            "annual_income",
            "家庭年可支配收入不能超过 10,000,000.00 元，请核对是否多填了位数。",
        ),
        (
            {"annual_income": "abc"},
            "annual_income",
            "家庭年可支配收入应为金额数字，如 12000 或 12000.50。",
        ),
        ({"annual_income": "1.005"}, "annual_income", "家庭年可支配收入最多保留两位小数(分)。"),
        ({"medical_expense": "-3"}, "medical_expense", "年医疗支出不能为负数。"),
        ({"household_size": 0}, "household_size", "家庭人口应为 1 到 20 人(含职工本人)。"),
        ({"household_size": 21}, "household_size", "家庭人口应为 1 到 20 人(含职工本人)。"),
        ({"household_size": ""}, "household_size", "请填写家庭人口数。"),
        (
            {"id_number": "110105194912310021"},
            "id_number",
            "身份证号校验位不正确，请核对后重新输入。",
        ),
        ({"main_cause": ""}, "main_cause", "请选择主要致困原因。"),
        (
            {"secondary_causes": ["accident", "other", "laid_off", "unemployed"]},
            "secondary_causes",
            "次要致困原因最多选择三项。",
        ),
        (
            {"secondary_causes": ["serious_illness"]},
            "secondary_causes",
            "次要致困原因不能重复，也不能与主要原因相同。",
        ),
        (
            {"secondary_causes": ["winning_lottery"]},
            "secondary_causes",
            "次要致困原因不在规定的十项之内。",
        ),
        ({"bank_account": "12ab"}, "bank_account", "银行账号应为 8 到 30 位数字。"),
        ({"bank_name": ""}, "bank_name", "填写银行账号时请同时填写开户银行。"),
        ({"phone": "12345"}, "phone", "手机号码应为 11 位中国大陆手机号，如 13800001234。"),
        ({"hukou_type": ""}, "hukou_type", "请选择户籍类型。"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_written(tree, overrides, field, message):
    ensure_standard(tree.a1)
    with pytest.raises(ValidationFailed) as refused:
        build_archive(org=tree.a1, **overrides)
    assert refused.value.fields[field] == [message]
    assert not HardshipArchive.objects.exists()


def test_a_county_without_a_standard_cannot_assess(tree):
    with pytest.raises(ValidationFailed, match="尚未设置 .* 适用的低保标准"):
        services.archive_create(actor=None, org=tree.a1, **archive_fields())
    assert not HardshipArchive.objects.exists()


def test_create_out_of_scope_is_not_found(tree, users):
    ensure_standard(tree.b1)
    with pytest.raises(NotFound):
        services.archive_create(actor=users.grassroots_staff, org=tree.b1, **archive_fields())
    with pytest.raises(NotFound):
        services.archive_create(actor=users.leader, org=tree.a1, **archive_fields())
    assert not HardshipArchive.objects.exists()


# --- one per household ------------------------------------------------------------------------


def test_one_archive_per_worker(tree, users):
    first = build_archive(org=tree.a1)
    with pytest.raises(ValidationFailed) as refused:
        build_archive(org=tree.a1, actor=users.grassroots_staff, id_number=first.id_number)
    assert refused.value.fields["id_number"] == [
        f"该职工已有困难职工档案，一户只能建一份档案。(已有：{first.name}家庭，甲镇一村工会，已申请)"
    ]
    assert HardshipArchive.objects.count() == 1


def test_the_other_archive_is_not_named_outside_scope(tree, users):
    first = build_archive(org=tree.b1)
    with pytest.raises(ValidationFailed) as refused:
        build_archive(org=tree.a1, actor=users.grassroots_staff, id_number=first.id_number)
    assert first.name not in refused.value.fields["id_number"][0]
    assert "一户只能建一份档案" in refused.value.fields["id_number"][0]


@pytest.mark.parametrize("status", [ArchiveStatus.EXITED, ArchiveStatus.WATCHED])
def test_an_exited_household_relapses_instead_of_a_second_archive(tree, status):
    first = archive_in(status, org=tree.a1)
    with pytest.raises(ValidationFailed) as refused:
        build_archive(org=tree.a1, id_number=first.id_number)
    assert "一户只能建一份档案" in refused.value.fields["id_number"][0]


def test_after_a_rejection_the_worker_may_apply_again(tree):
    first = archive_in(ArchiveStatus.REJECTED, org=tree.a1)
    second = build_archive(org=tree.a1, id_number=first.id_number)
    assert second.pk != first.pk


def test_the_database_backs_the_one_per_worker_rule(tree):
    first = build_archive(org=tree.a1)
    clone = HardshipArchive.objects.get(pk=first.pk)
    clone.pk = None
    clone.archive_number = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_a_recorded_household_member_cannot_have_their_own_archive(tree):
    # given a household whose spouse is recorded with an ID number
    first = build_archive(org=tree.a1)
    spouse_id = make_id_number(n=901, male=False)
    services.household_member_add(
        actor=None, archive=first, relation="spouse", name="配偶", id_number=spouse_id
    )
    # when the spouse applies as a worker
    with pytest.raises(ValidationFailed) as refused:
        build_archive(org=tree.b1, id_number=spouse_id)
    # then refused: one household, one archive
    assert "此人已登记在另一困难家庭的档案中" in refused.value.fields["id_number"][0]


def test_a_worker_with_an_archive_cannot_be_recorded_in_another_household(tree):
    first = build_archive(org=tree.a1)
    second = build_archive(org=tree.a1)
    before = _state(second)
    with pytest.raises(ValidationFailed, match="请检查"):
        services.household_member_add(
            actor=None, archive=second, relation="spouse", name="x", id_number=first.id_number
        )
    assert _state(second) == before


# --- update ---------------------------------------------------------------------------------------


def test_update_recalculates_and_records_the_change(tree, users):
    archive = build_archive(org=tree.a1)
    updated = services.archive_update(
        actor=users.grassroots_staff,
        archive=archive,
        version=archive.version,
        annual_income=Decimal("36000"),
    )
    assert updated.category == HardshipCategory.RELATIVE
    assert updated.version == archive.version + 1
    step = updated.steps.get(action="update")
    assert step.note == "修改：家庭年可支配收入(元)；困难类别：深度困难 → 相对困难"
    assert step.data["changed"] == ["annual_income"]
    assert updated.assessments.count() == 2


def test_update_without_changes_writes_nothing(tree):
    archive = build_archive(org=tree.a1)
    before = _state(archive)
    services.archive_update(actor=None, archive=archive, name=archive.name)
    assert _state(archive) == before


def test_update_with_a_stale_version_is_refused(tree):
    archive = build_archive(org=tree.a1)
    services.archive_update(actor=None, archive=archive, employer_name="某厂")
    before = _state(archive)
    with pytest.raises(Conflict, match="已被他人修改"):
        services.archive_update(
            actor=None, archive=archive, version=archive.version, annual_income="1"
        )
    assert _state(archive) == before


def test_update_out_of_scope_changes_nothing(tree, users):
    archive = build_archive(org=tree.b1)
    before = _state(archive)
    with pytest.raises(NotFound):
        services.archive_update(actor=users.township_staff, archive=archive, annual_income="1")
    assert _state(archive) == before


def test_household_size_cannot_drop_below_recorded_members(tree):
    archive = build_archive(org=tree.a1)
    services.household_member_add(actor=None, archive=archive, relation="child", name="孩子")
    archive.refresh_from_db()
    with pytest.raises(ValidationFailed) as refused:
        services.archive_update(actor=None, archive=archive, household_size=1)
    assert refused.value.fields["household_size"] == [
        "已登记 1 名家庭成员，家庭人口(含职工本人)不能少于 2 人。"
    ]


# --- household members -------------------------------------------------------------------------


def test_household_member_add_update_remove_on_the_trail(tree, users):
    archive = build_archive(org=tree.a1)
    child = services.household_member_add(
        actor=users.grassroots_staff,
        archive=archive,
        relation="child",
        name="小明",
        id_number=make_id_number(birth=datetime.date(2012, 9, 1), n=902),
        school_stage="junior",
        school_or_employer="青禾县第一中学",
        monthly_income="0",
    )
    assert child.birth_date == datetime.date(2012, 9, 1)
    assert child.id_number_hash
    services.household_member_update(
        actor=users.grassroots_staff, person=child, school_stage="senior"
    )
    child.refresh_from_db()
    assert child.school_stage == "senior"
    services.household_member_remove(actor=users.grassroots_staff, person=child, reason="分户")
    assert not HouseholdMember.objects.exists()
    notes = list(archive.steps.filter(action="household").values_list("note", flat=True))
    assert notes == [
        "添加家庭成员：小明(子女)",
        "修改家庭成员 小明：就学阶段",
        "删除家庭成员：小明(子女)，原因：分户",
    ]


def test_household_member_beyond_the_household_size_is_refused(tree):
    archive = build_archive(org=tree.a1, household_size=1)
    before = _state(archive)
    with pytest.raises(ValidationFailed, match="请先修改家庭人口数"):
        services.household_member_add(actor=None, archive=archive, relation="spouse", name="x")
    assert _state(archive) == before


def test_household_member_negative_income_refused(tree):
    archive = build_archive(org=tree.a1)
    with pytest.raises(ValidationFailed) as refused:
        services.household_member_add(
            actor=None, archive=archive, relation="spouse", name="x", monthly_income="-1"
        )
    assert refused.value.fields["monthly_income"] == ["月收入不能为负数。"]


def test_household_member_out_of_scope(tree, users):
    archive = build_archive(org=tree.b1)
    with pytest.raises(NotFound):
        services.household_member_add(
            actor=users.grassroots_staff, archive=archive, relation="spouse", name="x"
        )


# --- attachments ----------------------------------------------------------------------------------


def test_attachment_is_stored_under_a_random_name_with_its_checks(tree, users):
    archive = build_archive(org=tree.a1)
    upload = SimpleUploadedFile("../../病历 证明.PDF", PDF_BYTES)
    attachment = services.attachment_add(
        actor=users.grassroots_staff, archive=archive, kind="evidence", file=upload, note="住院病历"
    )
    assert attachment.original_name == "病历 证明.PDF"
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF_BYTES)
    assert attachment.file.name.startswith(f"assistance/{archive.pk}/")
    assert "病历" not in attachment.file.name
    with attachment.file.open("rb") as stored:
        assert stored.read() == PDF_BYTES


@pytest.mark.parametrize(
    ("name", "content", "kind", "message"),
    [
        (
            "virus.pdf",
            b"MZ\x90\x00" + b"\x00" * 20,
            "evidence",
            "“证明材料”只能上传 PDF、JPG、PNG、WebP 文件，所选文件不是。",
        ),
        ("scan.pdf", PDF_BYTES, "photo", "“照片”只能上传 JPG、PNG、WebP 图片 文件，所选文件不是。"),
        ("photo.pdf", PNG_BYTES, "evidence", "文件扩展名与文件内容不符，请确认后重新上传。"),
        ("empty.png", b"", "photo", "文件是空的。"),
    ],
)
def test_bad_attachments_are_refused(tree, name, content, kind, message):
    archive = build_archive(org=tree.a1)
    before = _state(archive)
    with pytest.raises(ValidationFailed) as refused:
        services.attachment_add(
            actor=None, archive=archive, kind=kind, file=SimpleUploadedFile(name, content)
        )
    assert refused.value.fields["file"] == [message]
    assert _state(archive) == before


def test_too_large_attachment_is_refused(tree):
    from gonghui.assistance.archives.attachments import MAX_BYTES

    archive = build_archive(org=tree.a1)
    big = SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * MAX_BYTES)
    with pytest.raises(ValidationFailed, match="单个附件不能超过 10 MB"):
        services.attachment_add(actor=None, archive=archive, kind="evidence", file=big)
    assert not ArchiveAttachment.objects.exists()


# --- the portal's application --------------------------------------------------------------------


def test_public_application_creates_an_applied_archive(tree):
    ensure_standard(tree.a1)
    archive = services.archive_apply_public(org_id=tree.a1.pk, ip="10.0.0.9", **archive_fields())
    assert archive.source == ApplicationSource.PORTAL
    assert archive.status == ArchiveStatus.APPLIED
    assert archive.steps.get().note == "职工网上申请"


def test_public_application_never_reveals_another_archive(tree):
    first = build_archive(org=tree.b1)
    with pytest.raises(ValidationFailed) as refused:
        services.archive_apply_public(
            org_id=tree.a1.pk, **archive_fields(id_number=first.id_number)
        )
    assert refused.value.fields["id_number"] == [
        "该身份证号已有困难职工档案或正在办理中，请联系所在工会。"
    ]


def test_public_application_needs_a_union_below_the_county(tree):
    ensure_standard(tree.a1)
    for org_id in (tree.county.pk, 999999, "x", None):
        with pytest.raises(ValidationFailed, match="请选择您所在的工会"):
            services.archive_apply_public(org_id=org_id, **archive_fields())
