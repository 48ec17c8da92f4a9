"""Writes of the 产改 lists: items (problems and tasks), meetings and progress reports."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from gonghui.audit.services import audit_record
from gonghui.core.errors import ErrorCollector, NotFound
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.plans.reform.models import (
    JointMeeting,
    ReformItem,
    ReformKind,
    ReformReport,
    ReformStatus,
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
