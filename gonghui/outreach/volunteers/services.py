"""Writes for volunteer teams: teams, volunteers (members of the union), projects and service
records with hours. Keyword-only, atomic, validated (nothing written on a refusal),
scope-checked on `outreach` (the team's org), audited."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import Conflict, ErrorCollector, NotFound
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.core.text import normalise_text
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Org
from gonghui.outreach.volunteers.models import (
    ServiceHours,
    TeamKind,
    TeamStatus,
    Volunteer,
    VolunteerProject,
    VolunteerRole,
    VolunteerTeam,
)

MODULE = "outreach"
HOURS_STEP = Decimal("0.5")
DAY_MAX = Decimal("24")
TEAM_FIELDS = ("name", "kind", "leader_name", "description", "founded_on")


def _require(actor, org, action: str = Action.EDIT) -> None:
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _text(value, limit, key, label, errors: ErrorCollector, *, required=False) -> str:
    text = normalise_text(value)
    if required and not text:
        errors.add(key, f"请填写{label}。")
    elif len(text) > limit:
        errors.add(key, f"{label}不能超过 {limit} 个字。")
    return text[:limit]


def _past_date(value, key, label, errors: ErrorCollector, *, required=True):
    if value is None:
        if required:
            errors.add(key, f"请填写{label}。")
        return None
    if not isinstance(value, datetime.date):
        errors.add(key, f"{label}格式不正确。")
        return None
    if value > timezone.localdate():
        errors.add(key, f"{label}不能晚于今天。")
        return None
    return value


# --- teams -------------------------------------------------------------------------------------


def _team_clean(data: dict) -> dict:
    errors = ErrorCollector()
    out = {
        "name": _text(data.get("name"), 100, "name", "队伍名称", errors, required=True),
        "kind": data.get("kind") or "",
        "leader_name": _text(data.get("leader_name"), 50, "leader_name", "负责人", errors),
        "description": (data.get("description") or "").strip()[:2000],
        "founded_on": _past_date(
            data.get("founded_on"), "founded_on", "成立日期", errors, required=False
        ),
    }
    if out["kind"] not in TeamKind.values:
        errors.add("kind", "请选择队伍类型。")
    errors.raise_if_any()
    return out


def team_validate(*, actor, team=None, **fields) -> None:
    if team is not None:
        fields = {**{f: getattr(team, f) for f in TEAM_FIELDS}, **fields}
    _team_clean(fields)


@transaction.atomic
def team_create(*, actor, org: Org, **fields) -> VolunteerTeam:
    _require(actor, org)
    cleaned = _team_clean(fields)
    team = VolunteerTeam.objects.create(org=org, **cleaned)
    audit_record(
        action=AuditAction.CREATED, user=actor, obj=team, detail={"what": "volunteer_team"}
    )
    return team


def _locked_team(actor, team: VolunteerTeam) -> VolunteerTeam:
    locked = (
        VolunteerTeam.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(pk=team.pk)
        .first()
    )
    if locked is None:
        raise NotFound()
    _require(actor, locked.org)
    return locked


@transaction.atomic
def team_update(*, actor, team: VolunteerTeam, **changes) -> VolunteerTeam:
    unknown = set(changes) - set(TEAM_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    team = _locked_team(actor, team)
    current = {f: getattr(team, f) for f in TEAM_FIELDS}
    cleaned = _team_clean({**current, **changes})
    changed = [f for f in TEAM_FIELDS if cleaned[f] != current[f]]
    if changed:
        for key in changed:
            setattr(team, key, cleaned[key])
        team.save()
        audit_record(action=AuditAction.UPDATED, user=actor, obj=team, detail={"changed": changed})
    return team


@transaction.atomic
def team_dissolve(*, actor, team: VolunteerTeam) -> VolunteerTeam:
    """A team disbanded today: its volunteers still in it leave today (their hours stay on
    record); no volunteer can join it any more."""
    team = _locked_team(actor, team)
    if team.status == TeamStatus.DISSOLVED:
        raise Conflict("该队伍已解散。", code="team_dissolved")
    today = timezone.localdate()
    team.status = TeamStatus.DISSOLVED
    team.save(update_fields=["status", "updated_at"])
    Volunteer.objects.filter(team=team, left_on__isnull=True).update(
        left_on=today, updated_at=timezone.now()
    )
    audit_record(
        action=AuditAction.DEACTIVATED, user=actor, obj=team, detail={"what": "team_dissolve"}
    )
    return team


# --- volunteers --------------------------------------------------------------------------------


def volunteer_validate(*, team, member_card="", role=VolunteerRole.MEMBER, joined_on=None, **_o):
    _volunteer_clean(team, member_card, role, joined_on)


def _volunteer_clean(team, member_card, role, joined_on):
    errors = ErrorCollector()
    card = normalise_text(member_card).upper()
    member = None
    if not card:
        errors.add("member_card", "请填写志愿者的会员卡号。")
    else:
        member = Member.objects.filter(card_number=card, status=MemberStatus.ACTIVE).first()
        if member is None:
            errors.add("member_card", "未找到该会员卡号对应的在册会员；志愿者须是工会会员。")
        elif Volunteer.objects.filter(team=team, member=member, left_on__isnull=True).exists():
            errors.add("member_card", "该会员已是本队志愿者。")
    if role not in VolunteerRole.values:
        errors.add("role", "请选择角色。")
    joined_on = _past_date(joined_on, "joined_on", "加入日期", errors)
    errors.raise_if_any()
    return member, joined_on


@transaction.atomic
def volunteer_add(
    *, actor, team: VolunteerTeam, member_card: str, joined_on, role=VolunteerRole.MEMBER
) -> Volunteer:
    team = _locked_team(actor, team)
    if team.status != TeamStatus.ACTIVE:
        raise Conflict("已解散的队伍不能增加志愿者。", code="team_dissolved")
    member, joined_on = _volunteer_clean(team, member_card, role, joined_on)
    volunteer, created = Volunteer.objects.get_or_create(
        team=team,
        member=member,
        defaults={"org": team.org, "role": role, "joined_on": joined_on},
    )
    if not created:  # came back after leaving
        volunteer.left_on = None
        volunteer.role = role
        volunteer.joined_on = joined_on
        volunteer.save(update_fields=["left_on", "role", "joined_on", "updated_at"])
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=team,
        detail={"what": "volunteer_add", "member": member.pk},
    )
    return volunteer


@transaction.atomic
def volunteer_leave(*, actor, volunteer: Volunteer, left_on=None) -> Volunteer:
    team = _locked_team(actor, volunteer.team)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk, team=team)
    if volunteer.left_on is not None:
        raise Conflict("该志愿者已退出。", code="volunteer_left")
    errors = ErrorCollector()
    day = _past_date(left_on or timezone.localdate(), "left_on", "退出日期", errors)
    if day is not None and day < volunteer.joined_on:
        errors.add("left_on", "退出日期不能早于加入日期。")
    errors.raise_if_any()
    volunteer.left_on = day
    volunteer.save(update_fields=["left_on", "updated_at"])
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=team,
        detail={"what": "volunteer_leave", "member": volunteer.member_id},
    )
    return volunteer


# --- projects ----------------------------------------------------------------------------------


def project_validate(*, team, title="", starts_on=None, ends_on=None, place="", **_o) -> None:
    _project_clean(title, starts_on, ends_on, place, "")


def _project_clean(title, starts_on, ends_on, place, description):
    errors = ErrorCollector()
    out = {
        "title": _text(title, 100, "title", "项目名称", errors, required=True),
        "place": _text(place, 150, "place", "服务地点", errors),
        "description": (description or "").strip()[:2000],
        "starts_on": starts_on,
        "ends_on": ends_on,
    }
    if not isinstance(starts_on, datetime.date):
        errors.add("starts_on", "请填写开始日期。")
    elif isinstance(ends_on, datetime.date) and ends_on < starts_on:
        errors.add("ends_on", "结束日期不能早于开始日期。")
    errors.raise_if_any()
    return out


@transaction.atomic
def project_create(
    *, actor, team: VolunteerTeam, title: str, starts_on, ends_on=None, place="", description=""
) -> VolunteerProject:
    team = _locked_team(actor, team)
    cleaned = _project_clean(title, starts_on, ends_on, place, description)
    project = VolunteerProject.objects.create(team=team, org=team.org, **cleaned)
    audit_record(
        action=AuditAction.CREATED, user=actor, obj=project, detail={"what": "volunteer_project"}
    )
    return project


# --- hours -------------------------------------------------------------------------------------


def _hours_clean(volunteer: Volunteer, project, served_on, hours, note):
    errors = ErrorCollector()
    day = _past_date(served_on, "served_on", "服务日期", errors)
    if day is not None:
        if day < volunteer.joined_on:
            errors.add("served_on", f"服务日期不能早于加入日期({volunteer.joined_on:%Y-%m-%d})。")
        elif volunteer.left_on is not None and day > volunteer.left_on:
            errors.add("served_on", "服务日期不能晚于退出日期。")
    try:
        number = Decimal(str(hours).strip())
    except (InvalidOperation, TypeError, ValueError):
        number = None
    if number is None or not number.is_finite():
        errors.add("hours", "服务时长请填写数字(小时)，如 2.5。")
        number = None
    elif number <= 0 or number > DAY_MAX or number % HOURS_STEP:
        errors.add("hours", "服务时长应为 0.5 到 24 小时，以半小时计。")
        number = None
    if project is not None:
        if project.team_id != volunteer.team_id:
            errors.add("project", "请选择本队的服务项目。")
        elif day is not None and (
            day < project.starts_on or (project.ends_on is not None and day > project.ends_on)
        ):
            errors.add("served_on", "服务日期不在该项目的起止日期内。")
    if day is not None and number is not None:
        that_day = (
            ServiceHours.objects.filter(volunteer=volunteer, served_on=day).aggregate(
                total=Sum("hours")
            )["total"]
            or 0
        )
        if that_day + number > DAY_MAX:
            errors.add("hours", f"该志愿者当天已登记 {that_day} 小时，一天合计不能超过 24 小时。")
    note = normalise_text(note)
    if len(note) > 200:
        errors.add("note", "服务内容不能超过 200 个字。")
    errors.raise_if_any()
    return day, number, note


def hours_validate(*, volunteer, project=None, served_on=None, hours=None, note="", **_o) -> None:
    _hours_clean(volunteer, project, served_on, hours, note)


@transaction.atomic
def hours_record(
    *, actor, volunteer: Volunteer, served_on, hours, project=None, note: str = ""
) -> ServiceHours:
    team = _locked_team(actor, volunteer.team)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk, team=team)
    day, number, note = _hours_clean(volunteer, project, served_on, hours, note)
    record = ServiceHours.objects.create(
        org=team.org,
        volunteer=volunteer,
        project=project,
        served_on=day,
        hours=number,
        note=note,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    Volunteer.objects.filter(pk=volunteer.pk).update(hours_total=F("hours_total") + number)
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=record,
        detail={"what": "service_hours", "hours": str(number)},
    )
    return record
