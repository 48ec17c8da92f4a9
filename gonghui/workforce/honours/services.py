"""Writes to the honours ledger.

Contest titles and grade promotions are written by the results pass
(competitions/ranking.py); nominations, 优秀班组 selections and 五小 awards add their line
through `honour_for_*` when they are approved (inside the approving service's transaction,
which checked scope and audits). Staff record honours conferred elsewhere (an upper-level
劳模, 五一劳动奖章, 工匠 title) with `honour_record`, and may withdraw such a record with
`honour_revoke`; a line that comes from a record changes only through that record.
"""

import datetime

from django.db import transaction

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.workforce.choices import MODULE, ContestLevel
from gonghui.workforce.honours.models import RECORDED_KINDS, Honour, HonourKind


def _holder_org(member=None, team=None, enterprise=None):
    if member is not None:
        return member.org
    if team is not None:
        return team.org
    return enterprise.org if enterprise is not None else None


def _create(**fields) -> Honour:
    org = _holder_org(fields.get("member"), fields.get("team"), fields.get("enterprise"))
    return Honour.objects.create(org=org, **fields)


def honour_for_nomination(nomination, *, on: datetime.date) -> Honour:
    kind = {
        "pioneer": HonourKind.PIONEER,
        "medal": HonourKind.MEDAL,
        "model_worker": HonourKind.MODEL_WORKER,
        "craftsman": HonourKind.CRAFTSMAN,
    }[nomination.kind]
    return _create(
        kind=kind,
        name=f"{nomination.get_level_display()}{nomination.get_kind_display()}",
        level=nomination.level,
        year=nomination.year,
        awarded_on=on,
        issuer=_issuer(nomination.level),
        member=nomination.member,
        team=nomination.team,
        enterprise=nomination.enterprise,
        nomination=nomination,
    )


def honour_for_excellent_team(item, *, on: datetime.date) -> Honour:
    return _create(
        kind=HonourKind.EXCELLENT_TEAM,
        name=f"{item.year} 年度{item.get_level_display()}优秀班组",
        level=item.level,
        year=item.year,
        awarded_on=on,
        issuer=_issuer(item.level),
        team=item.team,
        enterprise=item.team.enterprise,
        excellent_team=item,
    )


def honour_for_innovation(innovation, *, on: datetime.date, level: str) -> Honour:
    return _create(
        kind=HonourKind.INNOVATION,
        name=f"{innovation.year} 年度五小成果{innovation.get_award_display()}",
        level=level,
        year=innovation.year,
        awarded_on=on,
        issuer=_issuer(level),
        member=innovation.member,
        team=innovation.team,
        enterprise=innovation.enterprise,
        innovation=innovation,
    )


def _issuer(level: str) -> str:
    return f"{ContestLevel(level).label}工会" if level in ContestLevel.values else ""


def honour_set_revoked(honour: Honour, *, on: datetime.date, reason: str) -> None:
    honour.revoked, honour.revoked_on, honour.revoke_reason = True, on, reason[:200]
    honour.save(update_fields=["revoked", "revoked_on", "revoke_reason", "updated_at"])


def honour_validate(*, actor, **fields) -> dict:
    """Every problem with a hand-recorded honour (writes nothing)."""
    errors = ErrorCollector()
    kind = fields.get("kind") or ""
    if kind not in RECORDED_KINDS:
        errors.add("kind", "请从列表中选择荣誉类别。")
    name = str(fields.get("name") or "").strip()
    if not name:
        errors.add("name", "请填写荣誉名称。")
    elif len(name) > 200:
        errors.add("name", "荣誉名称不能超过 200 个字。")
    level = fields.get("level") or ""
    if level not in ContestLevel.values:
        errors.add("level", "请从列表中选择级别。")
    awarded_on = fields.get("awarded_on")
    if not isinstance(awarded_on, datetime.date):
        errors.add("awarded_on", "请填写授予日期。")
    elif awarded_on > datetime.date.today():
        errors.add("awarded_on", "授予日期不能晚于今天。")
    member, team, enterprise = fields.get("member"), fields.get("team"), fields.get("enterprise")
    holders = [h for h in (member, team, enterprise) if h is not None]
    if len(holders) != 1:
        errors.add("member", "请选择获得荣誉的个人、班组或单位(三者选一)。")
    else:
        org = _holder_org(member, team, enterprise)
        if actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, org):
            errors.add("member", "获得荣誉的个人、班组或单位不在您的管理范围内。")
    for key, label, length in (("issuer", "授予单位", 150), ("note", "备注", 200)):
        if len(str(fields.get(key) or "")) > length:
            errors.add(key, f"{label}不能超过 {length} 个字。")
    errors.raise_if_any()
    return {
        "kind": kind,
        "name": name,
        "level": level,
        "awarded_on": awarded_on,
        "year": awarded_on.year,
        "issuer": str(fields.get("issuer") or "").strip(),
        "note": str(fields.get("note") or "").strip(),
        "member": member,
        "team": team,
        "enterprise": enterprise,
        "title": fields.get("title"),
        "trade": fields.get("trade"),
    }


@transaction.atomic
def honour_record(*, actor, **fields) -> Honour:
    """Record an honour conferred elsewhere (an upper-level title, medal, 劳模 …)."""
    cleaned = honour_validate(actor=actor, **fields)
    honour = _create(recorded_by=actor, **cleaned)
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=honour,
        detail={"what": "honour_record", "kind": honour.kind, "level": honour.level},
    )
    return honour


def is_recorded(honour: Honour) -> bool:
    """A hand-recorded line (no source record)."""
    return not any(
        (honour.award_id, honour.nomination_id, honour.excellent_team_id, honour.innovation_id)
    )


@transaction.atomic
def honour_revoke(*, actor, honour: Honour, reason: str, on: datetime.date | None = None) -> Honour:
    if actor is not None and not org_in_scope(actor, MODULE, Action.APPROVE, honour.org):
        raise NotFound()
    if not is_recorded(honour):
        raise ValidationFailed("该荣誉来自业务记录，请在原记录中处理(如工人先锋号摘牌)。")
    if honour.revoked:
        raise ValidationFailed("该荣誉已撤销。")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("请填写撤销原因。", fields={"reason": ["请填写撤销原因。"]})
    honour_set_revoked(honour, on=on or datetime.date.today(), reason=reason)
    audit_record(
        action=AuditAction.DEACTIVATED,
        user=actor,
        obj=honour,
        detail={"what": "honour_revoke", "reason": reason[:200]},
    )
    return honour
