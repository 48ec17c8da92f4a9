"""Writes for 五小 innovations (submission by staff or by the worker on the portal, panel
review, the exclusion questions, the award) and 合理化建议 (submission, decision).

Exclusions (DESIGN §4): a result funded by a government science plan, or already awarded
elsewhere, is not awarded. Both questions must be answered before any decision; a "yes"
makes the result 不予评奖.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.attachments import file_check
from gonghui.core.errors import ErrorCollector, NotFound
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.members.models import Member, MemberStatus
from gonghui.workforce.choices import MODULE, Channel, ContestLevel
from gonghui.workforce.honours.services import honour_for_innovation
from gonghui.workforce.innovations.models import (
    InnovationAttachment,
    InnovationAward,
    InnovationCategory,
    InnovationReview,
    InnovationStatus,
    SmallInnovation,
    Suggestion,
    SuggestionStatus,
)

MAX_BENEFIT = Decimal("1000000000")


def today() -> datetime.date:
    return timezone.localdate()


def _require(actor, org, action: str = Action.EDIT) -> None:
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _audit(obj, org=None, username: str = "", *, actor, action, **detail) -> None:
    audit_record(action=action, user=actor, org=org, obj=obj, detail=detail, username=username)


def _text(errors, value, field, label, max_length, required=True, min_length=0) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.add(field, f"请填写{label}。")
    elif len(text) > max_length:
        errors.add(field, f"{label}不能超过 {max_length} 个字。")
    elif text and len(text) < min_length:
        errors.add(field, f"{label}至少填写 {min_length} 个字。")
    return text


def _money(errors, value, field, label) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        number = Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        errors.add(field, f"{label}请填写数字。")
        return Decimal(0)
    if not number.is_finite() or not Decimal(0) <= number <= MAX_BENEFIT:
        errors.add(field, f"{label}应在 0 到 1,000,000,000 元之间。")
        return Decimal(0)
    if number != number.quantize(Decimal("0.01")):
        errors.add(field, f"{label}最多保留两位小数。")
    return number


def _year(errors, value) -> int | None:
    try:
        year = int(value)
        if not 2000 <= year <= today().year:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("year", "请填写正确的年度，如 2026。")
        return None
    return year


# --- 五小 ----------------------------------------------------------------------------------


def innovation_validate(
    *,
    actor,
    member: Member | None = None,
    team=None,
    channel: str = Channel.STAFF,
    **fields,
) -> dict:
    errors = ErrorCollector()
    category = fields.get("category") or ""
    if category not in InnovationCategory.values:
        errors.add("category", "请从列表中选择类别。")
    title = _text(errors, fields.get("title"), "title", "成果名称", 150)
    description = _text(
        errors, fields.get("description"), "description", "成果简介", 5000, min_length=10
    )
    year = _year(errors, fields.get("year") or today().year)
    benefit = _money(errors, fields.get("claimed_benefit"), "claimed_benefit", "申报效益")
    if member is None and team is None:
        errors.add("member", "请选择完成人或完成班组。")
    if member is not None and member.status != MemberStatus.ACTIVE:
        errors.add("member", f"{member.name}已退会。")
    holder_org = team.org if team is not None else (member.org if member is not None else None)
    if (
        actor is not None
        and holder_org is not None
        and not org_in_scope(actor, MODULE, Action.EDIT, holder_org)
    ):
        errors.add("member", "完成人或班组不在您的管理范围内。")
    for key, label in (
        ("funded_by_science_plan", "是否已获政府科技计划资助"),
        ("awarded_elsewhere", "是否已在其他评选中获奖"),
    ):
        if channel == Channel.PORTAL and fields.get(key) is None:
            errors.add(key, f"请回答{label}。")
    errors.raise_if_any()
    enterprise = team.enterprise if team is not None else member.employer
    return {
        "category": category,
        "title": title,
        "description": description,
        "year": year,
        "claimed_benefit": benefit,
        "member": member,
        "team": team,
        "enterprise": enterprise,
        "funded_by_science_plan": fields.get("funded_by_science_plan"),
        "awarded_elsewhere": fields.get("awarded_elsewhere"),
    }


@transaction.atomic
def innovation_submit(
    *,
    actor,
    member: Member | None = None,
    team=None,
    channel: str = Channel.STAFF,
    username: str = "",
    **fields,
) -> SmallInnovation:
    """Submit a 五小 result. `actor` None: the worker on the portal (channel portal), or
    the system (seeders)."""
    cleaned = innovation_validate(actor=actor, member=member, team=team, channel=channel, **fields)
    org = team.org if team is not None else member.org
    innovation = SmallInnovation.objects.create(org=org, channel=channel, **cleaned)
    _audit(
        innovation,
        None,
        username,
        actor=actor,
        action=AuditAction.CREATED,
        what="innovation",
        innovation_category=innovation.category,
        channel=channel,
    )
    return innovation


@transaction.atomic
def attachment_add(*, actor, innovation: SmallInnovation, upload) -> InnovationAttachment:
    _require(actor, innovation.org)
    checked = file_check(upload)  # content by magic bytes, extension, size; random name
    attachment = InnovationAttachment(
        innovation=innovation,
        name=checked.original_name[-150:],
        content_type=checked.content_type,
    )
    attachment.file.save(checked.stored_name, upload, save=False)
    attachment.save()
    _audit(innovation, actor=actor, action=AuditAction.CREATED, what="innovation_attachment")
    return attachment


@transaction.atomic
def innovation_exclusions_set(
    *, actor, innovation: SmallInnovation, funded_by_science_plan, awarded_elsewhere
) -> SmallInnovation:
    """Record the answers to the two exclusion questions (asked of every result)."""
    _require(actor, innovation.org)
    errors = ErrorCollector()
    if funded_by_science_plan is None:
        errors.add("funded_by_science_plan", "请回答是否已获政府科技计划资助。")
    if awarded_elsewhere is None:
        errors.add("awarded_elsewhere", "请回答是否已在其他评选中获奖。")
    if innovation.status in (InnovationStatus.AWARDED, InnovationStatus.NOT_AWARDED):
        errors.add("__all__", "已评定的成果不能再修改。")
    errors.raise_if_any()
    innovation.funded_by_science_plan = bool(funded_by_science_plan)
    innovation.awarded_elsewhere = bool(awarded_elsewhere)
    innovation.save()
    _audit(
        innovation,
        actor=actor,
        action=AuditAction.UPDATED,
        what="innovation_exclusions",
        funded_by_science_plan=innovation.funded_by_science_plan,
        awarded_elsewhere=innovation.awarded_elsewhere,
    )
    return innovation


@transaction.atomic
def innovation_review(
    *, actor, innovation: SmallInnovation, score, comment: str = ""
) -> InnovationReview:
    """A panel member scores the result (0–100); scoring again replaces their score."""
    _require(actor, innovation.org)
    errors = ErrorCollector()
    if innovation.status not in (InnovationStatus.SUBMITTED, InnovationStatus.REVIEWING):
        errors.add("__all__", f"成果{innovation.get_status_display()}，不能再评审。")
    try:
        value = Decimal(str(score).strip())
        if not value.is_finite() or not Decimal(0) <= value <= Decimal(100):
            raise ValueError
        if value != value.quantize(Decimal("0.1")):
            raise ValueError
    except (ArithmeticError, ValueError):
        errors.add("score", "评分应为 0 到 100 之间的数，最多一位小数。")
        value = None
    comment = _text(errors, comment, "comment", "评审意见", 300, required=False)
    errors.raise_if_any()
    review, _created = InnovationReview.objects.update_or_create(
        innovation=innovation, reviewer=actor, defaults={"score": value, "comment": comment}
    )
    if innovation.status == InnovationStatus.SUBMITTED:
        innovation.status = InnovationStatus.REVIEWING
        innovation.save(update_fields=["status", "updated_at"])
    _audit(innovation, actor=actor, action=AuditAction.UPDATED, what="innovation_review")
    return review


@transaction.atomic
def innovation_decide(
    *,
    actor,
    innovation: SmallInnovation,
    award: str,
    level: str = ContestLevel.COUNTY,
    note: str = "",
    on: datetime.date | None = None,
) -> SmallInnovation:
    """Decide: an award (一等奖 … 优秀奖) or none. Needs the exclusion answers and, for an
    award, at least one panel score; an excluded result is never awarded."""
    _require(actor, innovation.org, Action.APPROVE)
    innovation = SmallInnovation.objects.select_for_update().get(pk=innovation.pk)
    errors = ErrorCollector()
    if innovation.status in (
        InnovationStatus.AWARDED,
        InnovationStatus.NOT_AWARDED,
        InnovationStatus.EXCLUDED,
    ):
        errors.add("__all__", f"成果已{innovation.get_status_display()}。")
    if innovation.funded_by_science_plan is None or innovation.awarded_elsewhere is None:
        errors.add("__all__", "请先核实并记录：是否已获政府科技计划资助、是否已在其他评选中获奖。")
    if award and award not in InnovationAward.values:
        errors.add("award", "请从列表中选择奖项。")
    if level not in ContestLevel.values:
        errors.add("level", "请从列表中选择评奖级别。")
    excluded = innovation.exclusion_reasons
    if award and excluded:
        errors.add("award", f"该成果{'、'.join(excluded)}，不予评奖。")
    if award and not innovation.reviews.exists():
        errors.add("award", "评奖前须至少有一位评审专家打分。")
    note = _text(errors, note, "decision_note", "评定说明", 200, required=False)
    errors.raise_if_any()
    day = on or today()
    if award:
        innovation.status = InnovationStatus.AWARDED
    elif excluded:
        innovation.status = InnovationStatus.EXCLUDED
    else:
        innovation.status = InnovationStatus.NOT_AWARDED
    innovation.award = award or ""
    innovation.award_level = level if award else ""
    innovation.decided_on, innovation.decision_note = day, note
    innovation.save()
    _audit(
        innovation,
        actor=actor,
        action=AuditAction.APPROVED,
        what="innovation_decide",
        status=innovation.status,
        award=innovation.award,
    )
    if award:
        honour_for_innovation(innovation, on=day, level=level)
    return innovation


# --- 合理化建议 ------------------------------------------------------------------------------


def suggestion_validate(*, actor, member: Member | None, **fields) -> dict:
    errors = ErrorCollector()
    title = _text(errors, fields.get("title"), "title", "建议标题", 150)
    content = _text(errors, fields.get("content"), "content", "建议内容", 5000, min_length=10)
    year = _year(errors, fields.get("year") or today().year)
    if member is None:
        errors.add("member", "请选择提出人。")
    elif member.status != MemberStatus.ACTIVE:
        errors.add("member", f"{member.name}已退会。")
    elif actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, member.org):
        errors.add("member", "提出人不在您的管理范围内。")
    errors.raise_if_any()
    return {"title": title, "content": content, "year": year}


@transaction.atomic
def suggestion_submit(
    *, actor, member: Member | None, channel: str = Channel.STAFF, username: str = "", **fields
) -> Suggestion:
    cleaned = suggestion_validate(actor=actor, member=member, **fields)
    suggestion = Suggestion.objects.create(
        org=member.org, member=member, enterprise=member.employer, channel=channel, **cleaned
    )
    _audit(
        suggestion,
        None,
        username,
        actor=actor,
        action=AuditAction.CREATED,
        what="suggestion",
        channel=channel,
    )
    return suggestion


@transaction.atomic
def suggestion_decide(
    *, actor, suggestion: Suggestion, adopted: bool, benefit=None, note: str = "", on=None
) -> Suggestion:
    _require(actor, suggestion.org, Action.APPROVE)
    errors = ErrorCollector()
    if suggestion.status != SuggestionStatus.SUBMITTED:
        errors.add("__all__", f"建议已{suggestion.get_status_display()}。")
    amount = _money(errors, benefit, "benefit", "产生效益")
    if not adopted and amount:
        errors.add("benefit", "未采纳的建议不填写效益。")
    note = _text(errors, note, "decision_note", "处理意见", 200, required=not adopted)
    errors.raise_if_any()
    suggestion.status = SuggestionStatus.ADOPTED if adopted else SuggestionStatus.NOT_ADOPTED
    suggestion.benefit = amount
    suggestion.decided_on, suggestion.decision_note = on or today(), note
    suggestion.save()
    _audit(
        suggestion,
        actor=actor,
        action=AuditAction.APPROVED,
        what="suggestion_decide",
        status=suggestion.status,
    )
    return suggestion
