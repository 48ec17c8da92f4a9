"""Demo 产改 lists of 青禾县: meetings, problems and tasks in every status, reports, overdue
items and items still to report after the last meeting."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.orgs.models import Enterprise, EnterpriseStatus, Org, OrgLevel
from gonghui.plans.reform.models import (
    JointMeeting,
    PilotEnterprise,
    PilotLevel,
    ReformAgentKind,
    ReformFeedback,
    ReformItem,
    ReformKind,
    ReformStatus,
)
from gonghui.plans.reform.services import (
    agent_assign,
    agent_create,
    feedback_to_problem,
    meeting_create,
    pilot_name,
    reform_item_create,
    reform_report_add,
    visit_record,
)

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
    return f"{_seed_lists(county)}; {_seed_pilots_and_agents(county)}"


# (kind, name, unit)
AGENTS = [
    (ReformAgentKind.GUIDE, "沈国平", "县总工会经济技术部部长"),
    (ReformAgentKind.GUIDE, "陆晓云", "县人社局职业能力建设科科长"),
    (ReformAgentKind.TECH, "韩立新", "县科技局高级工程师"),
    (ReformAgentKind.TECH, "周慧敏", "青禾职业技术学校机电专业带头人"),
    (ReformAgentKind.OBSERVER, "顾建华", "县人大代表、退休劳模"),
    (ReformAgentKind.OBSERVER, "方可心", "县政协委员"),
]
FEEDBACK = [
    "一线职工技能等级认定后待遇未同步调整",
    "企业希望承接职业技能等级自主评价试点",
    "青年职工希望开设数控编程夜校班",
    "车间班组长缺少管理能力培训",
    "企业创新工作室经费不足",
]
PILOT_FOCUS = [
    "技能人才评价改革、技能等级与薪酬挂钩",
    "产业工人参与企业民主管理",
    "劳模和工匠人才创新工作室建设",
    "新型学徒制培养",
    "职工技术创新成果转化与激励",
]


def _seed_pilots_and_agents(county) -> str:
    """Five pilot enterprises, two of each of the 三员 with their enterprises, visits with
    feedback, one piece of feedback already on the problem list."""
    if PilotEnterprise.objects.exists():
        return "pilots exist"
    today = timezone.localdate()
    enterprises = list(
        Enterprise.objects.filter(
            org__path__startswith=county.path, status=EnterpriseStatus.ACTIVE, has_union=True
        )
        .select_related("org")
        .order_by("-employee_count", "id")[:12]
    )
    if len(enterprises) < 5:
        return "pilots skipped: too few enterprises with a union"
    levels = [
        PilotLevel.PROVINCE,
        PilotLevel.CITY,
        PilotLevel.COUNTY,
        PilotLevel.COUNTY,
        PilotLevel.COUNTY,
    ]
    for n, (enterprise, level) in enumerate(zip(enterprises[:5], levels, strict=True)):
        pilot_name(
            actor=None,
            enterprise=enterprise,
            named_by=county,
            level=level,
            named_on=today - dt.timedelta(days=200 - 10 * n),
            focus=PILOT_FOCUS[n],
        )
    visits = 0
    feedback_n = 0
    for n, (kind, name, unit) in enumerate(AGENTS):
        agent = agent_create(
            actor=None,
            org=county,
            kind=kind,
            name=name,
            unit=unit,
            appointed_on=today - dt.timedelta(days=240),
        )
        mine = list(dict.fromkeys([enterprises[n % 5], enterprises[(5 + n) % len(enterprises)]]))
        for enterprise in mine:
            agent_assign(actor=None, agent=agent, enterprise=enterprise)
        for k, enterprise in enumerate(mine):
            lines = [FEEDBACK[feedback_n % len(FEEDBACK)]] if (n + k) % 2 == 0 else []
            feedback_n += len(lines)
            visit_record(
                actor=None,
                agent=agent,
                enterprise=enterprise,
                visited_on=today - dt.timedelta(days=90 - 12 * n - 5 * k),
                summary=f"到{enterprise.name}了解产改推进情况，与职工代表座谈。",
                feedback=lines,
            )
            visits += 1
    first = ReformFeedback.objects.order_by("id").first()
    if first is not None:
        feedback_to_problem(
            actor=None, feedback=first, org=county, deadline=today + dt.timedelta(days=60)
        )
    return f"5 pilots, {len(AGENTS)} agents, {visits} visits, {feedback_n} feedback"


def _seed_lists(county) -> str:
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
