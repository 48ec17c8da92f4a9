"""Demo 产改 lists of 青禾县: meetings, problems and tasks in every status, reports, overdue
items and items still to report after the last meeting."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.orgs.models import Org, OrgLevel
from gonghui.plans.reform.models import JointMeeting, ReformItem, ReformKind, ReformStatus
from gonghui.plans.reform.services import meeting_create, reform_item_create, reform_report_add

COUNTY_CODE = "339901"

# (kind, title, deadline offset in days from today, owner: 0 county / n township, reports)
# reports: [(days ago, progress, status)]
ITEMS = [
    (
        ReformKind.TASK,
        "制定产业工人技能提升三年行动方案",
        -30,
        0,
        [(60, 40, "in_progress"), (20, 100, "done")],
    ),
    (ReformKind.TASK, "建设县级劳模和工匠人才创新工作室 5 家", 120, 0, [(40, 30, "in_progress")]),
    (ReformKind.TASK, "推动规上企业普遍建立职代会制度", 200, 1, []),
    (ReformKind.TASK, "开展产业工人技能等级认定 2000 人次", -10, 2, [(50, 60, "in_progress")]),
    (ReformKind.TASK, "落实技术工人待遇提升政策", 90, 3, [(5, 50, "in_progress")]),
    (ReformKind.TASK, "建立产改试点企业名单并动态管理", 60, 0, []),
    (ReformKind.PROBLEM, "部分企业一线职工晋升通道不畅", 45, 1, [(70, 20, "in_progress")]),
    (ReformKind.PROBLEM, "园区企业技能培训补贴申领流程复杂", -5, 11, []),
    (ReformKind.PROBLEM, "新就业形态劳动者职业伤害保障不足", 150, 0, [(3, 35, "in_progress")]),
    (ReformKind.PROBLEM, "企业反映高技能人才引进落户难", 30, 12, [(90, 100, "done")]),
]


def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return "skipped: the demo county is missing"
    if JointMeeting.objects.filter(org=county).exists():
        return "reform lists exist"
    today = timezone.localdate()
    townships = list(Org.objects.filter(parent=county, level=OrgLevel.TOWNSHIP).order_by("code"))
    first = meeting_create(
        actor=None,
        org=county,
        held_on=today - dt.timedelta(days=100),
        title="产改工作联席会议第一次全体会议",
        agenda="审议产改问题清单和目标任务清单",
        decisions="印发问题清单和目标任务清单，明确责任单位和完成时限",
    )
    second = meeting_create(
        actor=None,
        org=county,
        held_on=today - dt.timedelta(days=10),
        title="产改工作联席会议第二次全体会议",
        agenda="听取各成员单位进展报告",
        decisions="对逾期事项督办",
    )
    created = 0
    for kind, title, offset, owner, reports in ITEMS:
        org = county if owner == 0 or owner > len(townships) else townships[owner - 1]
        item = reform_item_create(
            actor=None,
            org=org,
            kind=kind,
            title=title,
            deadline=today + dt.timedelta(days=offset),
            description="由联席会议办公室交办。",
            meeting=first if offset > -40 else None,
        )
        # Listed at the first meeting: created before it (the "to report" rule reads this).
        ReformItem.objects.filter(pk=item.pk).update(
            created_at=item.created_at - dt.timedelta(days=100)
        )
        created += 1
        for days_ago, progress, status in reports:
            reform_report_add(
                actor=None,
                item=item,
                reported_on=today - dt.timedelta(days=days_ago),
                text=f"已完成阶段性工作，进度 {progress}%。",
                progress=progress,
                status=status,
            )
    reform_item_create(
        actor=None,
        org=county,
        kind=ReformKind.TASK,
        title="完善产改工作考核办法",
        deadline=today + dt.timedelta(days=80),
        meeting=second,
    )
    return f"2 meetings, {created + 1} items ({ReformStatus.DONE.label} included)"
