"""Writes for teams, honours nominations (工人先锋号, 五一劳动奖章, 劳模, 工匠), employer
incidents and barred-year rules, 优秀班组 and team trainings.

A nomination: the grassroots union nominates (after hearing the workers) → the township or
county reviews → public notice (公示, at least NOTICE_MIN_DAYS days; objections recorded and
checked) → approval (pre-checks: no failed one; the result is kept) → the honour is on the
ledger; it may later be revoked (摘牌). Reviewing, notice, approval and revocation need the
approve permission over the nominating union.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Enterprise, Org
from gonghui.workforce.choices import MODULE, ContestLevel
from gonghui.workforce.county import require_county_admin
from gonghui.workforce.honours.services import (
    honour_for_excellent_team,
    honour_for_nomination,
    honour_set_revoked,
)
from gonghui.workforce.pioneers import prechecks
from gonghui.workforce.pioneers.models import (
    TEAM_KINDS,
    BarRule,
    EmployerIncident,
    ExcellentTeam,
    ExcellentTeamStatus,
    IncidentKind,
    Nomination,
    NominationKind,
    NominationObjection,
    NominationStatus,
    ObjectionOutcome,
    Team,
    TeamKind,
    TeamTraining,
)

NOTICE_MIN_DAYS = 5  # 公示期不少于 5 天
MAX_BAR_YEARS = 10


def today() -> datetime.date:
    return timezone.localdate()


def _require(actor, org, action: str = Action.EDIT) -> None:
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _audit(obj, *, actor, action, **detail) -> None:
    audit_record(action=action, user=actor, obj=obj, detail=detail)


def _text(errors, value, field, label, max_length, required=True) -> str:
    text = str(value or "").strip()
    if required and not text:
        errors.add(field, f"请填写{label}。")
    elif len(text) > max_length:
        errors.add(field, f"{label}不能超过 {max_length} 个字。")
    return text


def _date(errors, value, field, label, *, not_future=False):
    if not isinstance(value, datetime.date):
        errors.add(field, f"请填写{label}。")
        return None
    if not_future and value > today():
        errors.add(field, f"{label}不能晚于今天。")
    return value


# --- teams --------------------------------------------------------------------------------


def team_validate(
    *, actor, enterprise: Enterprise | None, team: Team | None = None, **fields
) -> dict:
    errors = ErrorCollector()
    if enterprise is None:
        errors.add("enterprise", "请选择所在单位。")
    elif actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, enterprise.org):
        errors.add("enterprise", "该单位不在您的管理范围内。")
    name = _text(errors, fields.get("name"), "name", "班组名称", 100)
    kind = fields.get("kind") or ""
    if kind not in TeamKind.values:
        errors.add("kind", "请从列表中选择类型。")
    leader = _text(errors, fields.get("leader_name"), "leader_name", "负责人", 50, required=False)
    try:
        headcount = int(fields.get("headcount") or 0)
        if not 0 <= headcount <= 100000:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("headcount", "人数请填写 0 到 100000 之间的整数。")
        headcount = 0
    if enterprise is not None and name:
        clash = Team.objects.filter(enterprise=enterprise, name=name)
        if team is not None:
            clash = clash.exclude(pk=team.pk)
        if clash.exists():
            errors.add("name", f"{enterprise.name}已有名为“{name}”的班组。")
    errors.raise_if_any()
    return {"name": name, "kind": kind, "leader_name": leader, "headcount": headcount}


@transaction.atomic
def team_create(*, actor, enterprise: Enterprise | None, **fields) -> Team:
    cleaned = team_validate(actor=actor, enterprise=enterprise, **fields)
    team = Team.objects.create(org=enterprise.org, enterprise=enterprise, **cleaned)
    _audit(team, actor=actor, action=AuditAction.CREATED, what="team", kind=team.kind)
    return team


@transaction.atomic
def team_update(*, actor, team: Team, **fields) -> Team:
    _require(actor, team.org)
    values = {
        "name": team.name,
        "kind": team.kind,
        "leader_name": team.leader_name,
        "headcount": team.headcount,
        **fields,
    }
    cleaned = team_validate(actor=actor, enterprise=team.enterprise, team=team, **values)
    changed = [k for k, v in cleaned.items() if getattr(team, k) != v]
    for key, value in cleaned.items():
        setattr(team, key, value)
    team.save()
    _audit(team, actor=actor, action=AuditAction.UPDATED, changed=changed)
    return team


# --- nominations --------------------------------------------------------------------------


def nomination_validate(
    *,
    actor,
    org: Org | None,
    kind: str,
    level: str,
    year,
    team: Team | None = None,
    member: Member | None = None,
    deeds: str = "",
    workers_heard_on=None,
    workers_heard_note: str = "",
) -> dict:
    errors = ErrorCollector()
    if org is None:
        errors.add("org", "请选择推荐单位。")
    elif actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, org):
        errors.add("org", "推荐单位不在您的管理范围内。")
    if kind not in NominationKind.values:
        errors.add("kind", "请从列表中选择荣誉。")
    if level not in ContestLevel.values:
        errors.add("level", "请从列表中选择级别。")
    try:
        year = int(year)
        if not 2000 <= year <= today().year + 1:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("year", "请填写正确的年度，如 2026。")
        year = None
    enterprise = None
    if kind in TEAM_KINDS:
        if team is None:
            errors.add("team", f"{NominationKind(kind).label}须推荐班组，请选择班组。")
        elif member is not None:
            errors.add("member", f"{NominationKind(kind).label}授予班组，不推荐个人。")
        else:
            enterprise = team.enterprise
            if not team.is_active:
                errors.add("team", "该班组已撤销。")
    elif kind in NominationKind.values:
        if member is None:
            errors.add("member", f"{NominationKind(kind).label}授予个人，请选择会员。")
        elif team is not None:
            errors.add("team", f"{NominationKind(kind).label}授予个人，不推荐班组。")
        else:
            enterprise = member.employer
            if member.status != MemberStatus.ACTIVE:
                errors.add("member", f"{member.name}已退会。")
            if enterprise is None:
                errors.add("member", f"{member.name}没有登记工作单位，无法核查单位情况。")
    nominee_org = team.org if team is not None else (member.org if member is not None else None)
    if org is not None and nominee_org is not None and not nominee_org.path.startswith(org.path):
        errors.add("__all__", "被推荐的班组或个人不属于推荐单位。")
    deeds = _text(errors, deeds, "deeds", "主要事迹", 5000)
    heard_on = _date(
        errors, workers_heard_on, "workers_heard_on", "听取职工意见日期", not_future=True
    )
    note = _text(errors, workers_heard_note, "workers_heard_note", "听取意见方式", 200)
    if team is not None or member is not None:
        live = Nomination.objects.filter(
            kind=kind,
            year=year,
            level=level,
            status__in=(
                NominationStatus.NOMINATED,
                NominationStatus.REVIEWED,
                NominationStatus.NOTICE,
                NominationStatus.APPROVED,
            ),
        )
        live = live.filter(team=team) if team is not None else live.filter(member=member)
        if year is not None and live.exists():
            errors.add("__all__", "该班组或个人本年度已有同一荣誉的推荐。")
    errors.raise_if_any()
    return {
        "kind": kind,
        "level": level,
        "year": year,
        "team": team,
        "member": member,
        "enterprise": enterprise,
        "deeds": deeds,
        "workers_heard_on": heard_on,
        "workers_heard_note": note,
    }


@transaction.atomic
def nomination_create(*, actor, org: Org, **fields) -> Nomination:
    """Nominate a team or person (the union records when and how it heard the workers)."""
    _require(actor, org)
    cleaned = nomination_validate(actor=actor, org=org, **fields)
    nomination = Nomination.objects.create(org=org, nominated_on=today(), **cleaned)
    _audit(
        nomination,
        actor=actor,
        action=AuditAction.CREATED,
        what="nomination",
        kind=nomination.kind,
        level=nomination.level,
    )
    return nomination


def _locked(nomination: Nomination) -> Nomination:
    return (
        Nomination.objects.select_for_update(of=("self",))
        .select_related("org", "enterprise__org", "team", "member")
        .get(pk=nomination.pk)
    )


def _step(actor, nomination, sources, label, action=Action.APPROVE) -> Nomination:
    _require(actor, nomination.org, action)
    nomination = _locked(nomination)
    if nomination.status not in sources:
        raise ValidationFailed(
            f"推荐当前为“{nomination.get_status_display()}”，不能{label}。", code="bad_step"
        )
    return nomination


def _moved(actor, nomination, before, step, **extra) -> None:
    nomination.version += 1
    nomination.save()
    _audit(
        nomination,
        actor=actor,
        action=AuditAction.APPROVED,
        what="nomination_step",
        step=step,
        status=[before, nomination.status],
        **extra,
    )


@transaction.atomic
def nomination_review(*, actor, nomination: Nomination, note: str = "") -> Nomination:
    """The township or county reviews and passes the nomination on to public notice."""
    nomination = _step(actor, nomination, (NominationStatus.NOMINATED,), "审核")
    if len((note or "").strip()) > 200:
        raise ValidationFailed(
            "审核意见不能超过 200 个字。", fields={"note": ["审核意见不能超过 200 个字。"]}
        )
    before = nomination.status
    nomination.status = NominationStatus.REVIEWED
    nomination.reviewed_at, nomination.reviewed_by = timezone.now(), actor
    nomination.review_note = (note or "").strip()
    _moved(actor, nomination, before, "review")
    return nomination


@transaction.atomic
def nomination_notice(*, actor, nomination: Nomination, notice_from, notice_until) -> Nomination:
    """Publish for public notice (公示) over [notice_from, notice_until]."""
    nomination = _step(actor, nomination, (NominationStatus.REVIEWED,), "公示")
    errors = ErrorCollector()
    start = _date(errors, notice_from, "notice_from", "公示开始日期")
    end = _date(errors, notice_until, "notice_until", "公示截止日期")
    if start and end and (end - start).days + 1 < NOTICE_MIN_DAYS:
        errors.add("notice_until", f"公示期不少于 {NOTICE_MIN_DAYS} 天。")
    errors.raise_if_any()
    before = nomination.status
    nomination.status = NominationStatus.NOTICE
    nomination.notice_from, nomination.notice_until = start, end
    _moved(actor, nomination, before, "notice", notice_until=end.isoformat())
    return nomination


@transaction.atomic
def objection_record(
    *, actor, nomination: Nomination, received_on, content: str
) -> NominationObjection:
    """An objection received while the nomination is on public notice."""
    _require(actor, nomination.org, Action.APPROVE)
    nomination = _locked(nomination)
    errors = ErrorCollector()
    if nomination.status != NominationStatus.NOTICE:
        errors.add("__all__", "只有公示中的推荐可以登记异议。")
    received = _date(errors, received_on, "received_on", "收到日期", not_future=True)
    content = _text(errors, content, "content", "反映内容", 2000)
    if received and nomination.notice_from and received < nomination.notice_from:
        errors.add("received_on", "收到日期不能早于公示开始日期。")
    errors.raise_if_any()
    objection = NominationObjection.objects.create(
        nomination=nomination, received_on=received, content=content
    )
    _audit(nomination, actor=actor, action=AuditAction.CREATED, what="objection")
    return objection


@transaction.atomic
def objection_resolve(
    *, actor, objection: NominationObjection, outcome: str, note: str
) -> NominationObjection:
    nomination = objection.nomination
    _require(actor, nomination.org, Action.APPROVE)
    errors = ErrorCollector()
    if outcome not in (ObjectionOutcome.UPHELD, ObjectionOutcome.DISMISSED):
        errors.add("outcome", "请选择核实结果。")
    note = _text(errors, note, "outcome_note", "核实说明", 300)
    if objection.outcome != ObjectionOutcome.PENDING:
        errors.add("__all__", "该异议已核实。")
    errors.raise_if_any()
    objection.outcome, objection.outcome_note = outcome, note
    objection.resolved_at = timezone.now()
    objection.save()
    _audit(nomination, actor=actor, action=AuditAction.UPDATED, what="objection", outcome=outcome)
    return objection


def approval_blockers(nomination: Nomination, checks, *, on: datetime.date) -> list[str]:
    """Why the nomination cannot be approved now ([] when it can)."""
    reasons = []
    if nomination.status != NominationStatus.NOTICE:
        reasons.append(f"推荐当前为“{nomination.get_status_display()}”，须公示期满后才能审批。")
    elif nomination.notice_until is not None and on <= nomination.notice_until:
        reasons.append(f"公示期至 {nomination.notice_until:%Y-%m-%d}，期满后才能审批。")
    objections = list(nomination.objections.all())
    if any(o.outcome == ObjectionOutcome.PENDING for o in objections):
        reasons.append("有尚未核实的公示异议。")
    if any(o.outcome == ObjectionOutcome.UPHELD for o in objections):
        reasons.append("公示异议经核实属实，不能命名。")
    for check in prechecks.failed(checks):
        reasons.append(f"{check.label}：{check.detail}")
    return reasons


@transaction.atomic
def nomination_approve(
    *, actor, nomination: Nomination, on: datetime.date | None = None
) -> Nomination:
    """Approve after the notice: refused while an objection is open or upheld, or a
    pre-check fails. The pre-checks (not-checked ones included) are kept with it and the
    honour goes on the ledger."""
    nomination = _step(actor, nomination, (NominationStatus.NOTICE,), "审批")
    day = on or today()
    checks = prechecks.nomination_prechecks(nomination, on=day)
    blockers = approval_blockers(nomination, checks, on=day)
    if blockers:
        raise ValidationFailed("不能审批：" + "；".join(blockers), code="not_approvable")
    before = nomination.status
    nomination.status = NominationStatus.APPROVED
    nomination.approved_on, nomination.approved_by = day, actor
    nomination.prechecks = [c.as_dict() for c in checks]
    _moved(
        actor,
        nomination,
        before,
        "approve",
        not_checked=[c.code for c in checks if c.status == prechecks.NOT_CHECKED],
    )
    honour_for_nomination(nomination, on=day)
    return nomination


@transaction.atomic
def nomination_reject(*, actor, nomination: Nomination, reason: str) -> Nomination:
    nomination = _step(
        actor,
        nomination,
        (NominationStatus.NOMINATED, NominationStatus.REVIEWED, NominationStatus.NOTICE),
        "退回",
    )
    errors = ErrorCollector()
    reason = _text(errors, reason, "reason", "未通过原因", 200)
    errors.raise_if_any()
    before = nomination.status
    nomination.status = NominationStatus.REJECTED
    nomination.rejected_reason = reason
    _moved(actor, nomination, before, "reject")
    return nomination


@transaction.atomic
def nomination_revoke(
    *, actor, nomination: Nomination, reason: str, on: datetime.date | None = None
) -> Nomination:
    """摘牌: the honour stays on the ledger, marked revoked with the reason."""
    nomination = _step(actor, nomination, (NominationStatus.APPROVED,), "摘牌")
    errors = ErrorCollector()
    reason = _text(errors, reason, "reason", "摘牌原因", 200)
    errors.raise_if_any()
    day = on or today()
    before = nomination.status
    nomination.status = NominationStatus.REVOKED
    nomination.revoked_on, nomination.revoke_reason = day, reason
    _moved(actor, nomination, before, "revoke")
    honour = getattr(nomination, "honour", None)
    if honour is not None:
        honour_set_revoked(honour, on=day, reason=reason)
    return nomination


# --- incidents and barred-year rules -------------------------------------------------------


def incident_validate(
    *, actor, enterprise: Enterprise | None, kind: str, occurred_on, description: str
) -> dict:
    """Every problem with an incident record (writes nothing)."""
    errors = ErrorCollector()
    if enterprise is None:
        errors.add("enterprise", "请选择用人单位。")
    elif actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, enterprise.org):
        raise NotFound()
    if kind not in IncidentKind.values:
        errors.add("kind", "请从列表中选择事项。")
    day = _date(errors, occurred_on, "occurred_on", "发生日期", not_future=True)
    description = _text(errors, description, "description", "情况说明", 300)
    errors.raise_if_any()
    return {"kind": kind, "occurred_on": day, "description": description}


@transaction.atomic
def incident_record(
    *, actor, enterprise: Enterprise | None, kind: str, occurred_on, description: str
) -> EmployerIncident:
    cleaned = incident_validate(
        actor=actor,
        enterprise=enterprise,
        kind=kind,
        occurred_on=occurred_on,
        description=description,
    )
    incident = EmployerIncident.objects.create(org=enterprise.org, enterprise=enterprise, **cleaned)
    _audit(incident, actor=actor, action=AuditAction.CREATED, what="incident", kind=kind)
    return incident


@transaction.atomic
def bar_rule_set(
    *, actor, county: Org, kind: str, years, is_active: bool = True, note: str = ""
) -> BarRule:
    """Set the county's rule for one kind of incident (its admins only)."""
    require_county_admin(actor, county)
    errors = ErrorCollector()
    if kind not in IncidentKind.values:
        errors.add("kind", "请从列表中选择事项。")
    try:
        years = int(years)
        if not 1 <= years <= MAX_BAR_YEARS:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("years", f"限制年限应为 1 到 {MAX_BAR_YEARS} 之间的整数。")
    note = _text(errors, note, "note", "依据", 200, required=False)
    errors.raise_if_any()
    rule, created = BarRule.objects.update_or_create(
        org=county, kind=kind, defaults={"years": years, "is_active": bool(is_active), "note": note}
    )
    _audit(
        rule,
        actor=actor,
        action=AuditAction.CREATED if created else AuditAction.UPDATED,
        what="bar_rule",
        kind=kind,
        years=years,
        is_active=rule.is_active,
    )
    return rule


# --- 优秀班组 ----------------------------------------------------------------------------


def excellent_team_validate(
    *, actor, team: Team | None, year=None, level: str = ContestLevel.COUNTY, reason: str = ""
) -> dict:
    """Check a proposal for the 优秀班组 selection (every problem at once; writes nothing)."""
    errors = ErrorCollector()
    if team is None:
        errors.add("team", "请选择班组。")
    elif actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, team.org):
        raise NotFound()
    if level not in ContestLevel.values:
        errors.add("level", "请从列表中选择级别。")
    try:
        year = int(year)
        if not 2000 <= year <= today().year + 1:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("year", "请填写正确的年度，如 2026。")
    reason = _text(errors, reason, "reason", "推荐理由", 300, required=False)
    if (
        team is not None
        and isinstance(year, int)
        and ExcellentTeam.objects.filter(team=team, year=year, level=level).exists()
    ):
        errors.add("team", "该班组本年度已参加同级优秀班组评选。")
    errors.raise_if_any()
    return {"year": year, "level": level, "reason": reason}


@transaction.atomic
def excellent_team_propose(
    *, actor, team: Team | None, year, level: str = ContestLevel.COUNTY, reason: str = ""
) -> ExcellentTeam:
    cleaned = excellent_team_validate(actor=actor, team=team, year=year, level=level, reason=reason)
    item = ExcellentTeam.objects.create(org=team.org, team=team, **cleaned)
    _audit(item, actor=actor, action=AuditAction.CREATED, what="excellent_team")
    return item


@transaction.atomic
def excellent_team_decide(
    *, actor, item: ExcellentTeam, selected: bool, on: datetime.date | None = None
) -> ExcellentTeam:
    """The selection's outcome (approve permission); a selected team's honour goes on the
    ledger."""
    _require(actor, item.org, Action.APPROVE)
    item = (
        ExcellentTeam.objects.select_for_update().select_related("team__enterprise").get(pk=item.pk)
    )
    if item.status != ExcellentTeamStatus.CANDIDATE:
        raise ValidationFailed(
            f"该班组的评选结果已记录为“{item.get_status_display()}”，不能再次记录。"
        )
    day = on or today()
    item.status = ExcellentTeamStatus.SELECTED if selected else ExcellentTeamStatus.NOT_SELECTED
    item.selected_on = day
    item.save()
    _audit(
        item, actor=actor, action=AuditAction.APPROVED, what="excellent_team", status=item.status
    )
    if selected:
        honour_for_excellent_team(item, on=day)
    return item


# --- team trainings -------------------------------------------------------------------------


def training_validate(*, actor, org: Org | None, team: Team | None = None, **fields) -> dict:
    errors = ErrorCollector()
    if org is None:
        errors.add("org", "请选择组织单位。")
    elif actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, org):
        errors.add("org", "所选组织不在您的管理范围内。")
    if team is not None and org is not None and not team.org.path.startswith(org.path):
        errors.add("team", "该班组不属于所选组织。")
    held_on = _date(errors, fields.get("held_on"), "held_on", "培训日期", not_future=True)
    topic = _text(errors, fields.get("topic"), "topic", "培训主题", 150)
    trainer = _text(errors, fields.get("trainer"), "trainer", "授课人", 50)
    try:
        attendees = int(fields.get("attendees"))
        if not 1 <= attendees <= 100000:
            raise ValueError
    except (TypeError, ValueError):
        errors.add("attendees", "参训人数应为 1 到 100000 之间的整数。")
        attendees = None
    hours = fields.get("hours")
    try:
        hours = Decimal(str(hours if hours not in (None, "") else 2))
        if not Decimal("0.5") <= hours <= Decimal(200) or hours != hours.quantize(Decimal("0.1")):
            raise ValueError
    except (ArithmeticError, ValueError):
        errors.add("hours", "学时应在 0.5 到 200 之间，最多一位小数。")
    note = _text(errors, fields.get("note"), "note", "备注", 200, required=False)
    errors.raise_if_any()
    return {
        "team": team,
        "enterprise": team.enterprise if team is not None else fields.get("enterprise"),
        "held_on": held_on,
        "topic": topic,
        "trainer": trainer,
        "attendees": attendees,
        "hours": hours,
        "note": note,
    }


@transaction.atomic
def training_record(*, actor, org: Org, **fields) -> TeamTraining:
    _require(actor, org)
    cleaned = training_validate(actor=actor, org=org, **fields)
    training = TeamTraining.objects.create(org=org, **cleaned)
    _audit(training, actor=actor, action=AuditAction.CREATED, what="team_training")
    return training
