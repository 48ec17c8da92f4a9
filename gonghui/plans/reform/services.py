"""Writes of the 产改 lists: items (problems and tasks), meetings and progress reports."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gonghui.audit.services import audit_record
from gonghui.core.errors import ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.plans.reform.models import (
    JointMeeting,
    PilotEnterprise,
    PilotLevel,
    ReformAgent,
    ReformAgentKind,
    ReformFeedback,
    ReformItem,
    ReformKind,
    ReformReport,
    ReformStatus,
    ReformVisit,
)

MODULE = "plans"


def _require_org(actor, org) -> None:
    if actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, org):
        raise NotFound()


def reform_item_validate(*, org, kind, title, deadline, meeting=None) -> None:
    errors = ErrorCollector()
    if org is None:
        errors.add("org", "请选择责任单位。")
    if kind not in ReformKind.values:
        errors.add("kind", "请选择清单。")
    if not title or not str(title).strip():
        errors.add("title", "请填写事项。")
    if deadline is None:
        errors.add("deadline", "请填写完成时限。")
    elif meeting is not None and deadline < meeting.held_on:
        errors.add("deadline", "完成时限早于提出它的会议日期。")
    errors.raise_if_any()


@transaction.atomic
def reform_item_create(
    *,
    actor,
    org,
    kind: str,
    title: str,
    deadline: dt.date | None,
    description: str = "",
    meeting: JointMeeting | None = None,
) -> ReformItem:
    if org is not None:
        _require_org(actor, org)
    reform_item_validate(org=org, kind=kind, title=title, deadline=deadline, meeting=meeting)
    item = ReformItem.objects.create(
        org=org,
        kind=kind,
        title=title.strip(),
        description=description,
        deadline=deadline,
        meeting=meeting,
    )
    audit_record(
        action="created",
        user=actor,
        obj=item,
        detail={"what": "reform", "reform_kind": kind, "deadline": deadline.isoformat()},
    )
    return item


def reform_report_validate(*, item, reported_on, text, progress, status) -> None:
    errors = ErrorCollector()
    if item is not None and item.status in (ReformStatus.DONE, ReformStatus.CANCELLED):
        errors.add("__all__", "该事项已办结或撤销，不能再报告进展。")
    if reported_on is None:
        errors.add("reported_on", "请填写报告日期。")
    if not text or not str(text).strip():
        errors.add("text", "请填写进展情况。")
    if progress is None or not 0 <= int(progress) <= 100:
        errors.add("progress", "进度应在 0 到 100 之间。")
    elif item is not None and int(progress) < item.progress:
        errors.add("progress", f"进度不能低于上次报告的 {item.progress}%。")
    if status not in (ReformStatus.IN_PROGRESS, ReformStatus.DONE):
        errors.add("status", "请选择推进中或已完成。")
    elif status == ReformStatus.DONE and progress is not None and int(progress) != 100:
        errors.add("progress", "标记为已完成时进度应为 100%。")
    errors.raise_if_any()


@transaction.atomic
def reform_report_add(
    *, actor, item: ReformItem, reported_on: dt.date, text: str, progress: int, status: str
) -> ReformReport:
    """A unit's progress report on an item; moves its progress and status on."""
    _require_org(actor, item.org)
    item = ReformItem.objects.select_for_update().get(pk=item.pk)
    reform_report_validate(
        item=item, reported_on=reported_on, text=text, progress=progress, status=status
    )
    report = ReformReport.objects.create(
        item=item,
        reported_on=reported_on,
        text=text.strip(),
        progress=progress,
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    before = item.status
    item.status = status
    item.progress = progress
    item.last_reported_on = max(item.last_reported_on or reported_on, reported_on)
    item.save(update_fields=["status", "progress", "last_reported_on", "updated_at"])
    audit_record(
        action="updated",
        user=actor,
        obj=item,
        detail={"what": "reform", "reform_status": [before, status], "progress": progress},
    )
    return report


@transaction.atomic
def meeting_create(
    *, actor, org, held_on: dt.date | None, title: str, agenda: str = "", decisions: str = ""
) -> JointMeeting:
    if org is not None:
        _require_org(actor, org)
    errors = ErrorCollector()
    if org is None:
        errors.add("org", "请选择组织。")
    if held_on is None:
        errors.add("held_on", "请填写会议日期。")
    if not title or not title.strip():
        errors.add("title", "请填写会议名称。")
    errors.raise_if_any()
    meeting = JointMeeting.objects.create(
        org=org, held_on=held_on, title=title.strip(), agenda=agenda, decisions=decisions
    )
    audit_record(action="created", user=actor, obj=meeting, detail={"what": "reform"})
    return meeting


# --- pilot enterprises and the 三员 --------------------------------------------------------


NOT_FOUND = "未找到该单位：请填写本单位范围内已登记单位的统一社会信用代码或单位全称。"


def _in_subtree(enterprise, org) -> bool:
    return enterprise.org.path.startswith(org.path)


def pilot_validate(*, enterprise, named_by, level, named_on) -> None:
    errors = ErrorCollector()
    if enterprise is None:
        errors.add("enterprise", NOT_FOUND)
    elif PilotEnterprise.objects.filter(enterprise=enterprise).exists():
        errors.add("enterprise", f"{enterprise.name}已是产改试点企业。")
    elif named_by is not None and not _in_subtree(enterprise, named_by):
        errors.add("enterprise", f"{enterprise.name}不在{named_by.name}的范围内。")
    if named_by is None:
        errors.add("named_by", "请选择确定单位。")
    if level not in PilotLevel.values:
        errors.add("level", "请选择试点层级。")
    if named_on is None:
        errors.add("named_on", "请填写确定日期。")
    errors.raise_if_any()


@transaction.atomic
def pilot_name(
    *, actor, enterprise, named_by, level: str, named_on: dt.date | None, focus: str = ""
) -> PilotEnterprise:
    """Name an enterprise a 产改 pilot (the naming org and the enterprise in the actor's scope)."""
    if named_by is not None:
        _require_org(actor, named_by)
    if enterprise is not None:
        _require_org(actor, enterprise.org)
    pilot_validate(enterprise=enterprise, named_by=named_by, level=level, named_on=named_on)
    pilot = PilotEnterprise.objects.create(
        org=enterprise.org,
        enterprise=enterprise,
        named_by=named_by,
        level=level,
        named_on=named_on,
        focus=focus.strip(),
    )
    audit_record(
        action="created",
        user=actor,
        obj=pilot,
        detail={"what": "reform_pilot", "pilot_level": level},
    )
    return pilot


def agent_validate(*, org, kind, name, appointed_on) -> None:
    errors = ErrorCollector()
    if org is None:
        errors.add("org", "请选择聘任单位。")
    if kind not in ReformAgentKind.values:
        errors.add("kind", "请选择类别。")
    if not name or not str(name).strip():
        errors.add("name", "请填写姓名。")
    if appointed_on is None:
        errors.add("appointed_on", "请填写聘任日期。")
    errors.raise_if_any()


@transaction.atomic
def agent_create(
    *, actor, org, kind: str, name: str, appointed_on: dt.date | None, unit: str = ""
) -> ReformAgent:
    if org is not None:
        _require_org(actor, org)
    agent_validate(org=org, kind=kind, name=name, appointed_on=appointed_on)
    agent = ReformAgent.objects.create(
        org=org, kind=kind, name=name.strip(), unit=unit.strip(), appointed_on=appointed_on
    )
    audit_record(
        action="created", user=actor, obj=agent, detail={"what": "reform_agent", "agent_kind": kind}
    )
    return agent


def agent_assign_validate(*, agent, enterprise) -> None:
    errors = ErrorCollector()
    if enterprise is None:
        errors.add("enterprise", NOT_FOUND)
    elif not _in_subtree(enterprise, agent.org):
        errors.add("enterprise", f"{enterprise.name}不在{agent.org.name}的范围内。")
    elif agent.enterprises.filter(pk=enterprise.pk).exists():
        errors.add("enterprise", f"已联系{enterprise.name}。")
    errors.raise_if_any()


@transaction.atomic
def agent_assign(*, actor, agent: ReformAgent, enterprise) -> ReformAgent:
    """Assign an agent to an enterprise in the appointing org's subtree."""
    _require_org(actor, agent.org)
    if enterprise is not None:
        _require_org(actor, enterprise.org)
    agent_assign_validate(agent=agent, enterprise=enterprise)
    agent.enterprises.add(enterprise)
    audit_record(
        action="updated",
        user=actor,
        obj=agent,
        detail={"what": "reform_agent", "agent_enterprise": enterprise.pk},
    )
    return agent


def visit_validate(*, agent, enterprise, visited_on, summary, feedback=(), today=None) -> None:
    errors = ErrorCollector()
    today = today or timezone.localdate()
    if enterprise is None:
        errors.add("enterprise", "请选择走访企业。")
    elif agent is not None and not agent.enterprises.filter(pk=enterprise.pk).exists():
        errors.add("enterprise", f"{agent.name}未联系{enterprise.name}，请先添加联系企业。")
    if visited_on is None:
        errors.add("visited_on", "请填写走访日期。")
    elif visited_on > today:
        errors.add("visited_on", "走访日期不能晚于今天。")
    elif agent is not None and visited_on < agent.appointed_on:
        errors.add("visited_on", "走访日期早于聘任日期。")
    if not summary or not str(summary).strip():
        errors.add("summary", "请填写走访情况。")
    for line in feedback:
        if len(line) > 300:
            errors.add("feedback", "每条意见不超过 300 字。")
            break
    errors.raise_if_any()


@transaction.atomic
def visit_record(
    *,
    actor,
    agent: ReformAgent,
    enterprise,
    visited_on: dt.date | None,
    summary: str,
    feedback: list[str] = (),
) -> ReformVisit:
    """An agent's visit, with the problems and suggestions collected there (one per line)."""
    _require_org(actor, agent.org)
    feedback = [line.strip() for line in feedback if line and line.strip()]
    visit_validate(
        agent=agent,
        enterprise=enterprise,
        visited_on=visited_on,
        summary=summary,
        feedback=feedback,
    )
    visit = ReformVisit.objects.create(
        org=enterprise.org,
        agent=agent,
        enterprise=enterprise,
        visited_on=visited_on,
        summary=summary.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    ReformFeedback.objects.bulk_create([ReformFeedback(visit=visit, text=t) for t in feedback])
    audit_record(
        action="created",
        user=actor,
        obj=visit,
        detail={"what": "reform_visit", "feedback_count": len(feedback)},
    )
    return visit


@transaction.atomic
def feedback_to_problem(
    *, actor, feedback: ReformFeedback, org, deadline: dt.date | None
) -> ReformItem:
    """Put a piece of feedback on the problem list (owner unit and deadline given)."""
    feedback = (
        ReformFeedback.objects.select_for_update()
        .select_related("visit__agent", "visit__enterprise")
        .get(pk=feedback.pk)
    )
    _require_org(actor, feedback.visit.agent.org)
    if feedback.item_id is not None:
        message = "该意见已列入问题清单。"
        raise ValidationFailed(message, fields={"__all__": [message]})
    visit = feedback.visit
    item = reform_item_create(
        actor=actor,
        org=org,
        kind=ReformKind.PROBLEM,
        title=feedback.text[:150],
        deadline=deadline,
        description=(
            f"来源：{visit.agent.get_kind_display()}{visit.agent.name} "
            f"{visit.visited_on:%Y-%m-%d} 走访{visit.enterprise.name}时收集。"
        ),
    )
    feedback.item = item
    feedback.save(update_fields=["item"])
    return item
