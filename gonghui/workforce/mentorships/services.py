"""Writes for 名师带徒: the county's allowance and reward rule, ceremonies, agreements with
their checkpoints, the completion appraisal (with the allowance it earns) and termination.

No one is their own apprentice; an apprentice has at most one active agreement over any
period (checked under a lock on the apprentice's member row, so two staff signing at once
cannot both succeed). The master's reward is computed from the competition results by the
results pass (competitions/ranking.py), once per apprentice.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import ErrorCollector, NotFound
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Org
from gonghui.workforce.choices import MODULE, AppraisalResult
from gonghui.workforce.competitions.models import Trade
from gonghui.workforce.competitions.ranking import rewards_recompute
from gonghui.workforce.county import county_of, require_county_admin
from gonghui.workforce.mentorships.models import (
    Ceremony,
    Checkpoint,
    Mentorship,
    MentorshipPolicy,
    MentorshipStatus,
)
from gonghui.workforce.mentorships.selectors import policy_of

MAX_YEARS = 10


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


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def months_between(starts: datetime.date, ends: datetime.date) -> int:
    """Whole months of an agreement running from `starts` to `ends` inclusive
    (2026-01-01 to 2026-12-31 is 12; 2026-03-15 to 2026-09-10 is 5)."""
    after = ends + datetime.timedelta(days=1)
    months = (after.year - starts.year) * 12 + (after.month - starts.month)
    if after.day < starts.day:
        months -= 1
    return max(months, 0)


# --- the county's rule --------------------------------------------------------------------


def policy_for(county: Org | None) -> MentorshipPolicy | None:
    """The county's rule, saved with the defaults the first time a write needs it (reads use
    selectors.policy_of, which never saves)."""
    if county is None:
        return None
    return MentorshipPolicy.objects.get_or_create(org=county)[0]


POLICY_FIELDS = {
    "monthly_allowance": ("带徒津贴", Decimal(0), Decimal(100000)),
    "reward_amount": ("师傅奖励", Decimal(0), Decimal(1000000)),
}
POLICY_INT_FIELDS = {
    "excellent_share": ("优秀发放比例", 0, 100),
    "pass_share": ("合格发放比例", 0, 100),
    "fail_share": ("不合格发放比例", 0, 100),
    "reward_years": ("奖励期限", 1, MAX_YEARS),
    "placing_rank": ("竞赛名次", 1, 100),
}


@transaction.atomic
def policy_set(*, actor, county: Org, **values) -> MentorshipPolicy:
    """Set the county's allowance and reward rule (its admins only). New agreements take
    the reward years in force when they are signed."""
    require_county_admin(actor, county)
    policy = policy_for(county)
    errors = ErrorCollector()
    for name, (label, low, high) in POLICY_FIELDS.items():
        if name not in values:
            continue
        try:
            number = Decimal(str(values[name]).strip())
            if not number.is_finite() or not low <= number <= high:
                raise ValueError
            if number != number.quantize(Decimal("0.01")):
                raise ValueError
        except (ArithmeticError, ValueError):
            errors.add(name, f"{label}应为 {low:g} 到 {high:g} 之间的金额，最多两位小数。")
            continue
        setattr(policy, name, number)
    for name, (label, low, high) in POLICY_INT_FIELDS.items():
        if name not in values:
            continue
        try:
            number = int(values[name])
            if not low <= number <= high:
                raise ValueError
        except (TypeError, ValueError):
            errors.add(name, f"{label}应为 {low} 到 {high} 之间的整数。")
            continue
        setattr(policy, name, number)
    if not errors.fields and not (policy.excellent_share >= policy.pass_share >= policy.fail_share):
        errors.add("pass_share", "发放比例应为 优秀 ≥ 合格 ≥ 不合格。")
    errors.raise_if_any()
    policy.save()
    _audit(
        policy,
        actor=actor,
        action=AuditAction.UPDATED,
        what="mentorship_policy",
        values={k: str(getattr(policy, k)) for k in (*POLICY_FIELDS, *POLICY_INT_FIELDS)},
    )
    rewards_recompute()
    return policy


def allowance_for(
    mentorship: Mentorship, result: str, policy: MentorshipPolicy
) -> tuple[Decimal, str]:
    """(amount, how it was computed) of the allowance an appraisal result earns."""
    share = {
        AppraisalResult.EXCELLENT: policy.excellent_share,
        AppraisalResult.PASS: policy.pass_share,
        AppraisalResult.FAIL: policy.fail_share,
    }[result]
    months = months_between(mentorship.starts_on, mentorship.ends_on)
    amount = (policy.monthly_allowance * months * share / 100).quantize(Decimal("0.01"))
    basis = (
        f"{policy.monthly_allowance:,.2f} 元/月 × {months} 个月 × "
        f"{AppraisalResult(result).label}发放 {share}% = {amount:,.2f} 元"
    )
    return amount, basis


# --- ceremonies ---------------------------------------------------------------------------


def ceremony_validate(
    *, actor, org: Org | None, name: str = "", held_on=None, place: str = ""
) -> dict:
    """Check a ceremony (every problem at once; writes nothing)."""
    errors = ErrorCollector()
    if org is None:
        errors.add("org", "请选择组织单位。")
    elif actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, org):
        errors.add("org", "所选组织不在您的管理范围内。")
    name = _text(errors, name, "name", "仪式名称", 150)
    place = _text(errors, place, "place", "地点", 150, required=False)
    if not isinstance(held_on, datetime.date):
        errors.add("held_on", "请填写举行日期。")
    errors.raise_if_any()
    return {"name": name, "held_on": held_on, "place": place}


@transaction.atomic
def ceremony_create(*, actor, org: Org, name: str, held_on, place: str = "") -> Ceremony:
    if org is not None:
        _require(actor, org)
    cleaned = ceremony_validate(actor=actor, org=org, name=name, held_on=held_on, place=place)
    ceremony = Ceremony.objects.create(org=org, **cleaned)
    _audit(ceremony, actor=actor, action=AuditAction.CREATED, what="ceremony")
    return ceremony


# --- agreements ---------------------------------------------------------------------------


def mentorship_validate(
    *,
    actor,
    master: Member | None,
    apprentice: Member | None,
    trade: Trade | None,
    signed_on=None,
    starts_on=None,
    ends_on=None,
    goals: str = "",
    plan: str = "",
    ceremony: Ceremony | None = None,
    exclude: Mentorship | None = None,
) -> dict:
    errors = ErrorCollector()
    if master is None:
        errors.add("master", "请选择师傅。")
    if apprentice is None:
        errors.add("apprentice", "请选择徒弟。")
    if master is not None and apprentice is not None and master.pk == apprentice.pk:
        errors.add("apprentice", "师傅和徒弟不能是同一人。")
    for person, field, label in ((master, "master", "师傅"), (apprentice, "apprentice", "徒弟")):
        if person is not None and person.status != MemberStatus.ACTIVE:
            errors.add(field, f"{label}{person.name}已退会。")
    if (
        apprentice is not None
        and actor is not None
        and not org_in_scope(actor, MODULE, Action.EDIT, apprentice.org)
    ):
        errors.add("apprentice", "徒弟不在您的管理范围内。")
    if (
        master is not None
        and actor is not None
        and not org_in_scope(actor, MODULE, Action.VIEW, master.org)
    ):
        errors.add("master", "师傅不在您的管理范围内。")
    if trade is None:
        errors.add("trade", "请选择工种。")
    for value, field, label in (
        (signed_on, "signed_on", "签订日期"),
        (starts_on, "starts_on", "带徒开始日期"),
        (ends_on, "ends_on", "带徒结束日期"),
    ):
        if not isinstance(value, datetime.date):
            errors.add(field, f"请填写{label}。")
    dates_ok = all(isinstance(d, datetime.date) for d in (signed_on, starts_on, ends_on))
    if dates_ok:
        if ends_on <= starts_on:
            errors.add("ends_on", "带徒结束日期应晚于开始日期。")
        elif (ends_on - starts_on).days > 366 * 5:
            errors.add("ends_on", "带徒期限不超过 5 年。")
        if signed_on > ends_on:
            errors.add("signed_on", "签订日期不能晚于带徒结束日期。")
        if signed_on > today():
            errors.add("signed_on", "签订日期不能晚于今天。")
    goals = _text(errors, goals, "goals", "带徒目标", 2000)
    plan = _text(errors, plan, "plan", "培养计划", 5000, required=False)
    if (
        ceremony is not None
        and actor is not None
        and not org_in_scope(actor, MODULE, Action.VIEW, ceremony.org)
    ):
        errors.add("ceremony", "该拜师仪式不在您的管理范围内。")
    if apprentice is not None and dates_ok and ends_on > starts_on:
        overlapping = Mentorship.objects.filter(
            apprentice=apprentice,
            status=MentorshipStatus.ACTIVE,
            starts_on__lte=ends_on,
            ends_on__gte=starts_on,
        )
        if exclude is not None:
            overlapping = overlapping.exclude(pk=exclude.pk)
        clash = overlapping.select_related("master").first()
        if clash is not None:
            errors.add(
                "apprentice",
                f"{apprentice.name}已有带徒中的师徒关系(师傅{clash.master.name}，"
                f"{clash.starts_on:%Y-%m-%d} 至 {clash.ends_on:%Y-%m-%d})，期间不能重叠。",
            )
    errors.raise_if_any()
    return {
        "master": master,
        "apprentice": apprentice,
        "trade": trade,
        "signed_on": signed_on,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "goals": goals,
        "plan": plan,
        "ceremony": ceremony,
    }


@transaction.atomic
def mentorship_create(*, actor, **fields) -> Mentorship:
    """Sign an agreement (协议书) between a master and an apprentice."""
    apprentice = fields.get("apprentice")
    if apprentice is not None:
        # Serialise agreements of one apprentice (the overlap check below reads them).
        apprentice = Member.objects.select_for_update().select_related("org").get(pk=apprentice.pk)
        fields["apprentice"] = apprentice
    cleaned = mentorship_validate(actor=actor, **fields)
    county = county_of(apprentice.org)
    policy = policy_for(county)
    years = policy.reward_years if policy is not None else 3
    mentorship = Mentorship.objects.create(
        org=apprentice.org,
        county=county,
        enterprise=apprentice.employer,
        reward_until=add_years(cleaned["signed_on"], years),
        **cleaned,
    )
    _audit(
        mentorship,
        actor=actor,
        action=AuditAction.CREATED,
        what="mentorship",
        master=cleaned["master"].name,
        apprentice=apprentice.name,
    )
    rewards_recompute()
    return mentorship


@transaction.atomic
def checkpoint_add(*, actor, mentorship: Mentorship, title: str, due_on) -> Checkpoint:
    _require(actor, mentorship.org)
    errors = ErrorCollector()
    if mentorship.status != MentorshipStatus.ACTIVE:
        errors.add("__all__", "只有带徒中的师徒关系可以添加考核节点。")
    title = _text(errors, title, "title", "考核节点", 100)
    if not isinstance(due_on, datetime.date):
        errors.add("due_on", "请填写计划日期。")
    elif not mentorship.starts_on <= due_on <= mentorship.ends_on:
        errors.add("due_on", "计划日期应在带徒期间内。")
    errors.raise_if_any()
    checkpoint = Checkpoint.objects.create(mentorship=mentorship, title=title, due_on=due_on)
    _audit(mentorship, actor=actor, action=AuditAction.CREATED, what="checkpoint")
    return checkpoint


@transaction.atomic
def checkpoint_done(*, actor, checkpoint: Checkpoint, done_on, note: str = "") -> Checkpoint:
    _require(actor, checkpoint.mentorship.org)
    errors = ErrorCollector()
    if not isinstance(done_on, datetime.date):
        errors.add("done_on", "请填写完成日期。")
    elif done_on > today():
        errors.add("done_on", "完成日期不能晚于今天。")
    note = _text(errors, note, "note", "情况", 200, required=False)
    errors.raise_if_any()
    checkpoint.done_on, checkpoint.note = done_on, note
    checkpoint.save()
    _audit(checkpoint.mentorship, actor=actor, action=AuditAction.UPDATED, what="checkpoint")
    return checkpoint


@transaction.atomic
def mentorship_appraise(
    *, actor, mentorship: Mentorship, result: str, appraised_on, note: str = ""
) -> Mentorship:
    """出师考评: the result and the allowance it earns by the county's rule."""
    _require(actor, mentorship.org, Action.APPROVE)
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    errors = ErrorCollector()
    if mentorship.status != MentorshipStatus.ACTIVE:
        errors.add("__all__", f"师徒关系{mentorship.get_status_display()}，不能再考评。")
    if result not in AppraisalResult.values:
        errors.add("result", "请选择考评结果。")
    if not isinstance(appraised_on, datetime.date):
        errors.add("appraised_on", "请填写考评日期。")
    elif appraised_on > today():
        errors.add("appraised_on", "考评日期不能晚于今天。")
    elif appraised_on < mentorship.starts_on:
        errors.add("appraised_on", "考评日期不能早于带徒开始日期。")
    note = _text(errors, note, "appraisal_note", "考评意见", 300, required=False)
    errors.raise_if_any()
    policy = policy_of(mentorship.county) or MentorshipPolicy()
    amount, basis = allowance_for(mentorship, result, policy)
    mentorship.status = MentorshipStatus.COMPLETED
    mentorship.result, mentorship.appraised_on = result, appraised_on
    mentorship.appraisal_note = note
    mentorship.allowance_total, mentorship.allowance_basis = amount, basis[:200]
    mentorship.save()
    _audit(
        mentorship,
        actor=actor,
        action=AuditAction.APPROVED,
        what="mentorship_appraise",
        result=result,
        allowance=str(amount),
    )
    return mentorship


@transaction.atomic
def mentorship_terminate(*, actor, mentorship: Mentorship, on, reason: str) -> Mentorship:
    _require(actor, mentorship.org)
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    errors = ErrorCollector()
    if mentorship.status != MentorshipStatus.ACTIVE:
        errors.add("__all__", f"师徒关系{mentorship.get_status_display()}，不能终止。")
    if not isinstance(on, datetime.date):
        errors.add("terminated_on", "请填写终止日期。")
    reason = _text(errors, reason, "terminate_reason", "终止原因", 200)
    errors.raise_if_any()
    mentorship.status = MentorshipStatus.TERMINATED
    mentorship.terminated_on, mentorship.terminate_reason = on, reason
    mentorship.save()
    _audit(mentorship, actor=actor, action=AuditAction.DEACTIVATED, what="mentorship_terminate")
    return mentorship
