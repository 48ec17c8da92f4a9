"""Plan and target writes: every bad input refused in Chinese with nothing written; shares
checked to add up; scope."""

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.plans.models import AnnualPlan, ManualStatus, Target, TargetEvidence
from gonghui.plans.targets.services import (
    plan_create,
    target_create,
    target_manual_report,
    target_split,
)
from gonghui.plans.targets.tests.factories import build_plan, build_target

pytestmark = pytest.mark.django_db


def _refused(call, field=None) -> list[str]:
    targets, plans, events = (
        Target.objects.count(),
        AnnualPlan.objects.count(),
        AuditEvent.objects.count(),
    )
    with pytest.raises(ValidationFailed) as info:
        call()
    assert (Target.objects.count(), AnnualPlan.objects.count(), AuditEvent.objects.count()) == (
        targets,
        plans,
        events,
    )
    if field is not None:
        assert field in info.value.fields
        return info.value.fields[field]
    return [m for ms in info.value.fields.values() for m in ms]


def test_a_target_is_created_with_the_plan_year_as_default_period_and_audited(tree):
    plan = build_plan(org=tree.county)
    target = target_create(
        actor=None,
        plan=plan,
        org=tree.county,
        name="劳动竞赛",
        measure_code="members.joined",
        value=25,
    )
    assert (target.starts_on, target.deadline) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert AuditEvent.objects.filter(object_id=str(target.pk), action="created").exists()


def test_every_problem_of_a_target_is_reported_at_once_and_nothing_written(tree):
    plan = build_plan(org=tree.a)
    messages = _refused(
        lambda: target_create(
            actor=None,
            plan=plan,
            org=tree.b1,  # outside the plan's org
            name=" ",
            measure_code="members.joined",
            value="2.5",  # a count of people
            starts_on=dt.date(2026, 6, 1),
            deadline=dt.date(2026, 5, 31),
        )
    )
    assert "请填写目标名称。" in messages
    assert "责任组织应是计划所属组织或其下级组织。" in messages
    assert "截止日期早于统计起始日期。" in messages
    assert "指标“新入会会员”以“人”计，目标值应为整数。" in messages


def test_a_rate_target_must_lie_between_0_and_100(tree):
    plan = build_plan(org=tree.county)
    messages = _refused(
        lambda: build_target(plan=plan, measure_code="orgs.union_coverage_rate", value=120),
        "value",
    )
    assert messages == ["指标“建会率”以 % 计，目标值应在 0 到 100 之间。"]


def test_an_unknown_measure_is_refused_unless_the_plan_is_drafted_ahead_of_its_module(tree):
    plan = build_plan(org=tree.county)
    messages = _refused(
        lambda: build_target(plan=plan, measure_code="workforce.nope"), "measure_code"
    )
    assert messages == ["没有编码为“workforce.nope”的统计指标。"]
    kept = build_target(plan=plan, measure_code="workforce.nope", allow_unregistered=True)
    assert kept.measure_code == "workforce.nope"


def test_a_manual_target_has_no_value(tree):
    plan = build_plan(org=tree.county)
    _refused(lambda: build_target(plan=plan, measure_code="", value=3), "value")
    manual = build_target(plan=plan, measure_code="", value=None, name="召开全委会")
    assert manual.is_manual


def test_shares_must_add_up_to_the_county_value_and_nothing_is_written_otherwise(tree):
    plan = build_plan(org=tree.county)
    target = build_target(plan=plan, value=10)
    messages = _refused(
        lambda: target_split(actor=None, target=target, shares={tree.a: 4, tree.b: 5})
    )
    assert messages == ["各下级组织的分解数之和为 9，与测试县总工会的目标值 10 不一致。"]
    assert not target.shares.exists()

    children = target_split(actor=None, target=target, shares={tree.a: 4, tree.b: 6})
    assert [(c.org, c.value, c.parent_id) for c in children] == [
        (tree.a, Decimal(4), target.pk),
        (tree.b, Decimal(6), target.pk),
    ]
    # Splitting again replaces the breakdown.
    target_split(actor=None, target=target, shares={tree.a: 10})
    assert list(target.shares.values_list("org_id", "value")) == [(tree.a.pk, Decimal(10))]


def test_a_share_outside_the_targets_subtree_is_refused(tree):
    plan = build_plan(org=tree.a)
    target = build_target(plan=plan, value=3)
    messages = _refused(lambda: target_split(actor=None, target=target, shares={tree.b1: 3}))
    assert messages == ["乙镇一村工会不是甲镇总工会的下级组织。"]


def test_rate_shares_are_thresholds_and_need_not_add_up(tree):
    plan = build_plan(org=tree.county)
    target = build_target(plan=plan, measure_code="orgs.union_coverage_rate", value=90)
    children = target_split(actor=None, target=target, shares={tree.a: 95, tree.b: 85})
    assert len(children) == 2


def test_writes_outside_the_users_scope_look_missing(tree, users):
    plan = build_plan(org=tree.county)
    with pytest.raises(NotFound):
        build_target(plan=plan) if False else target_create(
            actor=users.township_staff,
            plan=plan,
            org=tree.a,
            name="x",
            measure_code="members.joined",
            value=1,
        )
    with pytest.raises(NotFound):
        plan_create(actor=users.township_staff, org=tree.b, year=2026, title="乙镇计划")
    assert not AnnualPlan.objects.filter(org=tree.b).exists()


def test_a_second_plan_for_the_same_org_and_year_is_refused(tree):
    build_plan(org=tree.a)
    assert _refused(lambda: build_plan(org=tree.a), "year") == [
        "甲镇总工会已有 2026 年度的工作计划。"
    ]


def test_a_manual_report_needs_evidence_and_is_only_for_manual_targets(tree):
    plan = build_plan(org=tree.county)
    counted = build_target(plan=plan)
    manual = build_target(plan=plan, measure_code="", value=None, name="召开全委会")
    day = dt.date(2026, 3, 12)
    with pytest.raises(ValidationFailed) as info:
        target_manual_report(
            actor=None, target=counted, manual_status="done", text="", recorded_on=day
        )
    assert "该目标由统计指标自动计算，不能手工填报完成情况。" in info.value.fields["__all__"]
    assert "请填写佐证说明。" in info.value.fields["text"]
    assert not TargetEvidence.objects.exists()

    target_manual_report(
        actor=None, target=manual, manual_status=ManualStatus.DONE, text="已召开", recorded_on=day
    )
    manual.refresh_from_db()
    assert manual.manual_status == ManualStatus.DONE
    assert manual.evidence.get().text == "已召开"


def test_an_evidence_file_is_kept_under_a_random_name_and_served_only_in_scope(tree, users, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    plan = build_plan(org=tree.a)
    manual = build_target(plan=plan, measure_code="", value=None, name="建立联席会议制度")
    day = dt.date(2026, 3, 12)
    renamed = SimpleUploadedFile("纪要.pdf", b"MZ\x90\x00 not a pdf")
    assert _refused(
        lambda: target_manual_report(
            actor=None, target=manual, manual_status="done", text="", recorded_on=day,
            upload=renamed,
        )
    ) == ["请填写佐证说明。", "文件内容与扩展名不符，请确认后重新上传。"]  # fmt: skip
    assert not TargetEvidence.objects.exists()

    client = login(users.township_staff)
    response = client.post(
        f"/plans/targets/{manual.pk}/report/",
        {
            "manual_status": "done",
            "recorded_on": "2026-03-12",
            "text": "制度已印发",
            "file": SimpleUploadedFile("联席会议纪要.pdf", b"%PDF-1.4 minutes"),
        },
    )
    assert response.status_code == 302
    evidence = manual.evidence.get()
    assert evidence.file_name == "联席会议纪要.pdf"
    assert "联席会议纪要" not in evidence.file.name  # stored under a random name
    page = client.get(f"/plans/targets/{manual.pk}/").content.decode()
    assert f"/plans/targets/evidence/{evidence.pk}/" in page
    download = client.get(f"/plans/targets/evidence/{evidence.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 minutes"
    below = login(users.grassroots_staff)  # the target is the township's, above their scope
    assert below.get(f"/plans/targets/evidence/{evidence.pk}/").status_code == 404
