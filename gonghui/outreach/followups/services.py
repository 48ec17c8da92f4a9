"""Writes for follow-ups: scheduling (when a registration is confirmed), recording a result
up to the final outcome, assigning to staff in scope, closing, and the county's schedule.

Due dates: the stop's date (or the registration's, when later) + each offset in calendar days,
so a schedule runs across month ends as the calendar does (31 January + 30 days = 2 March);
with `working_days_only` a due date on a rest day or statutory holiday moves to the next
working day (chinese-calendar, make-up working days included).
"""

import datetime

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import Conflict, ErrorCollector, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope, scope_paths
from gonghui.core.text import normalise_text
from gonghui.core.workdays import is_working_day
from gonghui.orgs.models import Enterprise, Org, OrgLevel
from gonghui.outreach.caravans.models import (
    OnSiteRegistration,
    Outcome,
    RegistrationStatus,
    ServiceKind,
)
from gonghui.outreach.followups.models import (
    DEFAULT_OFFSETS,
    FollowUp,
    FollowUpResult,
    FollowUpSettings,
    FollowUpStatus,
)

MODULE = "outreach"
OFFSET_MAX = 730
OFFSETS_MAX = 8
PAY_MAX = 1_000_000
# Offers whose registrations are followed up to a job.
FOLLOWED_SERVICES = (ServiceKind.JOB_AID, ServiceKind.TRAINING)
OUTCOME_OF = {
    FollowUpResult.TRAINING_STARTED: Outcome.TRAINED,
    FollowUpResult.TRAINING_FINISHED: Outcome.TRAINED,
    FollowUpResult.EMPLOYED: Outcome.EMPLOYED,
    FollowUpResult.STILL_LOOKING: Outcome.STILL_LOOKING,
    FollowUpResult.UNREACHABLE: Outcome.UNREACHABLE,
}
TRAINING_RESULTS = (FollowUpResult.TRAINING_STARTED, FollowUpResult.TRAINING_FINISHED)


def _require(actor, org, action: str = Action.EDIT) -> None:
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


# --- the schedule ------------------------------------------------------------------------------


def _county_of(org: Org) -> Org | None:
    if org.level == OrgLevel.COUNTY:
        return org
    if org.level < OrgLevel.COUNTY:
        return None
    return Org.objects.filter(pk__in=org.ancestor_ids(), level=OrgLevel.COUNTY).first()


def schedule_for(org: Org) -> tuple[tuple[int, ...], bool]:
    """(offsets in days, working days only) in force for registrations under `org`: its
    county's settings, or the defaults (7, 30, 90; working days)."""
    county = _county_of(org)
    setting = FollowUpSettings.objects.filter(org=county).first() if county is not None else None
    if setting is None or not setting.offsets:
        return DEFAULT_OFFSETS, True
    return tuple(setting.offsets), setting.working_days_only


def due_date(base: datetime.date, offset_days: int, working_days_only: bool) -> datetime.date:
    """base + offset calendar days; with working_days_only, moved on to a working day."""
    day = base + datetime.timedelta(days=offset_days)
    if working_days_only:
        while not is_working_day(day):
            day += datetime.timedelta(days=1)
    return day


def followup_base(registration: OnSiteRegistration) -> datetime.date:
    """The day follow-ups count from: the stop's day, or the registration's when later."""
    stop_day = timezone.localdate(registration.stop.starts_at)
    return max(stop_day, registration.registered_on)


def _default_assignee(registration: OnSiteRegistration):
    """Who registered the worker, if they are still staff in scope of the registration."""
    user = registration.recorded_by
    if user is None or not user.is_active:
        return None
    paths = scope_paths(user, MODULE, Action.EDIT)
    return user if any(registration.stop.org.path.startswith(p) for p in paths) else None


def followups_schedule(*, registration: OnSiteRegistration) -> list[FollowUp]:
    """Create the follow-ups of a newly confirmed registration of a job-aid or training
    place (inside the caller's transaction). Nothing when it has follow-ups already."""
    if registration.offer.service not in FOLLOWED_SERVICES:
        return []
    if FollowUp.objects.filter(registration=registration).exists():
        return []
    offsets, working_days_only = schedule_for(registration.stop.org)
    base = followup_base(registration)
    assignee = _default_assignee(registration)
    rows = [
        FollowUp(
            org_id=registration.org_id,
            org_anchor_id=registration.org_anchor_id,
            registration=registration,
            number=number,
            offset_days=offset,
            due_on=due_date(base, offset, working_days_only),
            assigned_to=assignee,
        )
        for number, offset in enumerate(offsets, start=1)
    ]
    return FollowUp.objects.bulk_create(rows)


def followups_close(*, registration_ids) -> int:
    """Close the pending follow-ups of cancelled registrations (inside the caller's
    transaction); returns how many."""
    ids = list(registration_ids)
    if not ids:
        return 0
    return FollowUp.objects.filter(registration_id__in=ids, status=FollowUpStatus.PENDING).update(
        status=FollowUpStatus.CLOSED, updated_at=timezone.now()
    )


# --- recording a result ------------------------------------------------------------------------


def _clean(followup: FollowUp, registration: OnSiteRegistration, data: dict, today):
    errors = ErrorCollector()
    done_on = data.get("done_on")
    if not isinstance(done_on, datetime.date):
        errors.add("done_on", "请填写回访日期。")
    elif done_on > today:
        errors.add("done_on", "回访日期不能晚于今天。")
    elif done_on < registration.registered_on:
        errors.add(
            "done_on",
            f"回访日期不能早于登记日期({registration.registered_on:%Y-%m-%d})。",
        )
    result = getattr(data.get("result"), "value", data.get("result")) or ""
    if result not in FollowUpResult.values:
        errors.add("result", "请选择回访结果。")
    employer = data.get("employer")
    employer_name = normalise_text(data.get("employer_name"))
    pay = data.get("monthly_pay")
    if result == FollowUpResult.EMPLOYED:
        if isinstance(employer, Enterprise):
            employer_name = employer.name
        elif not employer_name:
            errors.add("employer_name", "已就业的请填写就业单位。")
        if len(employer_name) > 150:
            errors.add("employer_name", "就业单位名称不能超过 150 个字。")
        if pay in (None, ""):
            errors.add("monthly_pay", "已就业的请填写月工资(元)。")
        else:
            try:
                pay = int(str(pay).strip())
            except (TypeError, ValueError):
                errors.add("monthly_pay", "月工资请填写整数(元)。")
                pay = None
            else:
                if not 1 <= pay <= PAY_MAX:
                    errors.add("monthly_pay", "月工资应大于 0 且不超过 1,000,000 元。")
    else:
        employer, employer_name, pay = None, "", None
    note = normalise_text(data.get("note"))
    if len(note) > 300:
        errors.add("note", "情况说明不能超过 300 个字。")
    errors.raise_if_any()
    return {
        "done_on": done_on,
        "result": result,
        "employer": employer if isinstance(employer, Enterprise) else None,
        "employer_name": employer_name,
        "monthly_pay": pay,
        "note": note,
    }


def followup_validate(*, actor, followup: FollowUp, **fields) -> None:
    """The checks of followup_record without writing (one round of errors)."""
    registration = followup.registration
    _clean(followup, registration, fields, timezone.localdate())


@transaction.atomic
def followup_record(
    *,
    actor,
    followup: FollowUp,
    done_on: datetime.date,
    result: str,
    employer: Enterprise | None = None,
    employer_name: str = "",
    monthly_pay=None,
    note: str = "",
    final: bool = False,
) -> FollowUp:
    """Record a follow-up's result. A job found, a result marked final, or the last scheduled
    follow-up ends the registration's follow-up with its outcome (the remaining pending
    follow-ups are closed); earlier follow-ups still pending are closed too."""
    registration = (
        OnSiteRegistration.objects.select_for_update(of=("self",))
        .select_related("stop", "org", "archive")
        .filter(pk=followup.registration_id)
        .first()
    )
    if registration is None:
        raise NotFound()
    _require(actor, registration.org)
    followup = FollowUp.objects.select_for_update().filter(pk=followup.pk).first()
    if followup is None:
        raise NotFound()
    if followup.status != FollowUpStatus.PENDING:
        raise Conflict("该次回访已记录或无需回访。", code="followup_not_pending")
    if registration.status == RegistrationStatus.CANCELLED:
        raise Conflict("该登记已取消，无需回访。", code="registration_cancelled")
    cleaned = _clean(
        followup,
        registration,
        dict(
            done_on=done_on,
            result=result,
            employer=employer,
            employer_name=employer_name,
            monthly_pay=monthly_pay,
            note=note,
        ),
        timezone.localdate(),
    )
    later_pending = FollowUp.objects.filter(
        registration=registration, status=FollowUpStatus.PENDING, number__gt=followup.number
    ).exists()
    is_final = bool(final) or cleaned["result"] == FollowUpResult.EMPLOYED or not later_pending
    now = timezone.now()
    for key, value in cleaned.items():
        setattr(followup, key, value)
    followup.status = FollowUpStatus.DONE
    followup.is_final = is_final
    followup.recorded_by = _user(actor)
    followup.recorded_at = now
    followup.save()
    # earlier ones never recorded are overtaken; later ones are not needed after an outcome
    closing = FollowUp.objects.filter(registration=registration, status=FollowUpStatus.PENDING)
    if not is_final:
        closing = closing.filter(number__lt=followup.number)
    closing.update(status=FollowUpStatus.CLOSED, updated_at=now)
    _registration_update(registration, cleaned, is_final)
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=registration.org,
        obj=followup,
        detail={
            "what": "followup",
            "followup_result": cleaned["result"],
            "final": is_final,
            "registration": registration.pk,
        },
    )
    if cleaned["result"] == FollowUpResult.EMPLOYED and registration.archive_id:
        _employment_report(actor, registration, cleaned)
    return followup


def _registration_update(registration: OnSiteRegistration, cleaned: dict, is_final: bool):
    changes: dict = {}
    result = cleaned["result"]
    if result in TRAINING_RESULTS and registration.trained_on is None:
        changes["trained_on"] = cleaned["done_on"]
    if result == FollowUpResult.EMPLOYED:
        changes.update(
            employed_on=cleaned["done_on"],
            employer=cleaned["employer"],
            employer_name=cleaned["employer_name"],
            monthly_pay=cleaned["monthly_pay"],
            days_to_job=max((cleaned["done_on"] - followup_base(registration)).days, 0),
        )
    if is_final:
        outcome = OUTCOME_OF[result]
        trained = registration.trained_on is not None or "trained_on" in changes
        if outcome in (Outcome.STILL_LOOKING, Outcome.UNREACHABLE) and trained:
            outcome = Outcome.TRAINED  # what is known in the end: trained, not employed
        changes.update(outcome=outcome, outcome_on=cleaned["done_on"])
    if changes:
        OnSiteRegistration.objects.filter(pk=registration.pk).update(
            version=F("version") + 1, updated_at=timezone.now(), **changes
        )


def _employment_report(actor, registration: OnSiteRegistration, cleaned: dict) -> None:
    """A job found by a worker of a household in the hardship archive is a fact for the
    archive's monitoring and exit (recorded through the assistance app's service)."""
    from gonghui.assistance.monitoring.services import employment_found_record

    employment_found_record(
        actor=None,
        archive=registration.archive,
        found_on=cleaned["done_on"],
        employer_name=cleaned["employer_name"],
        monthly_pay=cleaned["monthly_pay"],
        note=f"服务职工进基层跟踪回访(登记号 {registration.reference})",
    )


# --- assignment ----------------------------------------------------------------------------------


def assignee_in_scope(user, org: Org) -> bool:
    """Whether the user may take follow-ups of `org` (edit scope in outreach covering it)."""
    return bool(user is not None and user.is_active) and any(
        org.path.startswith(p) for p in scope_paths(user, MODULE, Action.EDIT)
    )


def _assign_clean(followups, assignee) -> None:
    """Something to assign, and an assignee (None: unassign) whose scope covers every one."""
    errors = ErrorCollector()
    if not followups:
        errors.add("followups", "请选择要分派的回访。")
    if assignee is not None:
        outside = {f.org.name for f in followups if not assignee_in_scope(assignee, f.org)}
        if outside:
            errors.add(
                "assignee",
                f"{assignee.display_name} 不负责{'、'.join(sorted(outside))}的回访，不能分派。",
            )
    errors.raise_if_any()


def followup_assign_validate(*, actor, followups, assignee=None, **_other) -> None:
    """The checks of followup_assign without writing (the due list's assign form)."""
    for followup in followups:
        _require(actor, followup.org)
    _assign_clean(list(followups), assignee)


@transaction.atomic
def followup_assign(*, actor, followups, assignee) -> int:
    """Assign pending follow-ups (in the actor's edit scope) to a staff member whose scope
    covers each of them; None unassigns. Returns how many were assigned."""
    ids = [f.pk for f in followups]
    _assign_clean(ids, None)  # something to assign; the assignee is checked on the locked rows
    rows = list(
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(pk__in=ids, status=FollowUpStatus.PENDING)
    )
    for row in rows:
        _require(actor, row.org)
    if len(rows) != len(set(ids)):
        raise Conflict(
            "所选回访中有已记录或无需回访的，请刷新后重试。", code="followup_not_pending"
        )
    _assign_clean(rows, assignee)
    FollowUp.objects.filter(pk__in=[r.pk for r in rows]).update(
        assigned_to=assignee, updated_at=timezone.now()
    )
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=getattr(actor, "org", None),
        detail={
            "what": "followup_assign",
            "followups": [r.pk for r in rows],
            "followup_assignee": assignee.pk if assignee is not None else None,
        },
    )
    return len(rows)


# --- the county's schedule ------------------------------------------------------------------------


def offsets_clean(raw) -> list[int]:
    """ "7, 30, 90" or [7, 30, 90] → [7, 30, 90] (ascending, distinct, 1–730 days)."""
    if isinstance(raw, str):
        parts = [p for p in normalise_text(raw).replace("，", ",").replace("、", ",").split(",")]
        parts = [p.strip() for p in parts if p.strip()]
    else:
        parts = list(raw or [])
    message = f"回访时间请填写 1 到 {OFFSET_MAX} 之间的天数，用逗号分隔，如 7,30,90。"
    try:
        days = [int(str(p)) for p in parts]
    except (TypeError, ValueError):
        raise ValidationFailed(message, fields={"offsets": [message]}) from None
    if not days or any(not 1 <= d <= OFFSET_MAX for d in days):
        raise ValidationFailed(message, fields={"offsets": [message]})
    if len(set(days)) != len(days) or days != sorted(days):
        message = "回访时间应从小到大排列且不重复，如 7,30,90。"
        raise ValidationFailed(message, fields={"offsets": [message]})
    if len(days) > OFFSETS_MAX:
        message = f"最多设置 {OFFSETS_MAX} 次回访。"
        raise ValidationFailed(message, fields={"offsets": [message]})
    return days


@transaction.atomic
def followup_settings_set(
    *, actor, county: Org, offsets, working_days_only: bool = True
) -> FollowUpSettings:
    """Set a county's follow-up schedule (for registrations confirmed from now on; the
    follow-ups already scheduled keep their dates). Needs approve scope at the county."""
    if county.level != OrgLevel.COUNTY:
        raise ValidationFailed("回访设置按县设置。", fields={"org": ["请选择县总工会。"]})
    _require(actor, county, Action.APPROVE)
    days = offsets_clean(offsets)
    setting = FollowUpSettings.objects.select_for_update().filter(org=county).first()
    before = list(setting.offsets) if setting is not None else list(DEFAULT_OFFSETS)
    if setting is None:
        setting = FollowUpSettings(org=county)
    setting.offsets = days
    setting.working_days_only = bool(working_days_only)
    setting.updated_by = _user(actor)
    setting.save()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=county,
        obj=setting,
        detail={
            "what": "followup_settings",
            "offsets": [before, days],
            "working_days_only": setting.working_days_only,
        },
    )
    return setting
