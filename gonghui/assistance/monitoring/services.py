"""Writes of monitoring: rule versions and county settings, facts, runs, closing alerts.

Keyword-only, validated, audited; `actor=None` is the system (scheduled runs, seeders).
A run is atomic per rule and county (a rule that fails leaves the others' alerts in place).
"""

import datetime
import logging
import time
from decimal import Decimal, InvalidOperation

from django.db import connection, transaction
from django.utils import timezone

from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import (
    Alert,
    DisasterEvent,
    EmploymentReport,
    HardshipArchive,
    HouseholdMember,
    JobLossReport,
    MedicalExpense,
    MonitoringRule,
    MonitoringRun,
    RuleSetting,
    SchoolingExpense,
)
from gonghui.assistance.monitoring.alert_writer import AlertBatch, NewAlert, alerts_write
from gonghui.assistance.monitoring.assignment import Assigner
from gonghui.assistance.monitoring.definitions import (
    COMPULSORY_STAGES,
    DEFAULT_DEADLINE_DAYS,
    DEFAULT_RULES,
    NON_COMPULSORY_STAGES,
    AlertOutcome,
    AlertStatus,
    CareKind,
    DisasterKind,
    FactSource,
    RiskLevel,
    RuleCode,
    RunStatus,
    RunTrigger,
)
from gonghui.assistance.monitoring.rules import RULES, RuleContext
from gonghui.assistance.standards.selectors import (
    is_county_admin,
    standard_in_force,
    thresholds_in_force,
    today,
)
from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import (
    Conflict,
    ErrorCollector,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope, scope_roots
from gonghui.core.text import normalise_text
from gonghui.core.workdays import working_days_after
from gonghui.members.idnumber import IdNumberError, id_number_clean
from gonghui.members.models import Member, MemberStatus
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

logger = logging.getLogger("gonghui.monitoring")
MODULE = "assistance"
MAX_AMOUNT = Decimal("10000000")
STALE_RUN = datetime.timedelta(hours=1)
DEFAULTS = {str(rule["code"]): rule for rule in DEFAULT_RULES}


# --- rules and county settings ---------------------------------------------------------------


def rules_ensure() -> None:
    """Version 1 of every built-in rule that is missing (idempotent)."""
    have = set(MonitoringRule.objects.values_list("code", flat=True))
    for code, rule in DEFAULTS.items():
        if code not in have:
            MonitoringRule.objects.get_or_create(
                code=code,
                version=1,
                defaults={
                    "name": rule["name"],
                    "description": rule["description"],
                    "parameters": rule["parameters"],
                    "note": "内置规则",
                },
            )


def rule_current(code: str) -> MonitoringRule:
    rule = MonitoringRule.objects.filter(code=code, is_current=True).first()
    if rule is None:
        rules_ensure()
        rule = MonitoringRule.objects.get(code=code, is_current=True)
    return rule


def setting_in_force(county: Org, code: str, on: datetime.date) -> RuleSetting | None:
    return (
        RuleSetting.objects.filter(org=county, rule_code=code, effective_from__lte=on)
        .order_by("-effective_from", "-id")
        .first()
    )


def settings_in_force(county: Org, on: datetime.date) -> dict[str, RuleSetting]:
    """Every rule's setting in force for the county on the day, with one query."""
    in_force: dict[str, RuleSetting] = {}
    for setting in RuleSetting.objects.filter(org=county, effective_from__lte=on).order_by(
        "rule_code", "-effective_from", "-id"
    ):
        in_force.setdefault(setting.rule_code, setting)
    return in_force


def parameters_merged(rule: MonitoringRule, setting: RuleSetting | None) -> dict:
    """The rule version's parameters with the county's overrides applied. An override of a
    parameter the version does not have (set for an earlier definition) is ignored."""
    params = dict(rule.parameters)
    if setting is not None:
        for key, value in setting.overrides.items():
            if key not in params and key != "quiet_days":
                continue
            if key == "deadline_days" and isinstance(value, dict):
                params[key] = {**params.get(key, {}), **value}
            else:
                params[key] = value
    return params


def _number(value, label: str, *, integer: bool = False):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValueError(f"{label}应为数字。") from None
    if not number.is_finite() or number < 0 or number > MAX_AMOUNT:
        raise ValueError(f"{label}应为 0 到 10,000,000 之间的数字。")
    if integer:
        if number != number.to_integral_value():
            raise ValueError(f"{label}应为整数。")
        return int(number)
    return float(number) if number != number.to_integral_value() else int(number)


def parameters_clean(code: str, values: dict, *, partial: bool) -> dict:
    """Check parameter names and values against the rule's defaults; ValidationFailed on error."""
    from gonghui.assistance.monitoring.definitions import PARAMETER_LABELS

    defaults = DEFAULTS[code]["parameters"]
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for key, value in values.items():
        label = PARAMETER_LABELS.get(key, key)
        if key not in defaults and key != "quiet_days":
            errors[key] = [f"规则没有参数“{key}”。"]
            continue
        try:
            if value is None or value == "":
                if partial:
                    continue
                raise ValueError(f"请填写{label}。")
            if key in ("risk", "outpatient_risk"):
                if value not in RiskLevel.values:
                    raise ValueError(f"{label}应为 低/中/高 之一。")
                clean[key] = value
            elif key == "deadline_days":
                if not isinstance(value, dict) or set(value) - set(RiskLevel.values):
                    raise ValueError("办理时限应按风险等级(high/medium/low)填写工作日数。")
                days = {
                    k: _number(v, f"{RiskLevel(k).label}风险办理时限", integer=True)
                    for k, v in value.items()
                }
                if any(not 1 <= d <= 60 for d in days.values()):
                    raise ValueError("办理时限应为 1 到 60 个工作日。")
                clean[key] = days
            else:
                integer = key.endswith("days") or key == "days"
                number = _number(value, label, integer=integer)
                if integer and not 1 <= number <= 3660:
                    raise ValueError(f"{label}应为 1 到 3660 天。")
                clean[key] = number
        except ValueError as exc:
            errors[key] = [str(exc)]
    if errors:
        raise ValidationFailed("请检查规则参数。", fields=errors)
    return clean


def _top_admin(actor) -> bool:
    """County admin held at a county federation or above (rules are installation-wide)."""
    from gonghui.core.scope import role_assignments

    if actor is None:
        return True
    if not actor.is_authenticated or not actor.is_active:
        return False
    return any(
        a.role.code == "county_admin"
        and a.org.level <= OrgLevel.COUNTY
        and a.org.status == OrgStatus.ACTIVE
        for a in role_assignments(actor)  # read once per request
    )


@transaction.atomic
def rule_update(*, actor, code: str, parameters: dict, note: str = "") -> MonitoringRule:
    """A new version of the rule with these parameters; the old version stays for its alerts."""
    if code not in DEFAULTS:
        raise NotFound()
    if not _top_admin(actor):
        raise PermissionDenied("只有县总工会管理员可以修改监测规则。")
    current = MonitoringRule.objects.select_for_update().filter(code=code, is_current=True).first()
    if current is None:
        rules_ensure()
        current = MonitoringRule.objects.select_for_update().get(code=code, is_current=True)
    merged = {**current.parameters, **parameters_clean(code, parameters, partial=True)}
    if merged == current.parameters:
        raise ValidationFailed("参数没有变化，无需新增版本。", code="rule_unchanged")
    MonitoringRule.objects.filter(pk=current.pk).update(is_current=False)
    rule = MonitoringRule.objects.create(
        code=code,
        version=current.version + 1,
        name=current.name,
        description=current.description,
        parameters=merged,
        note=(note or "")[:200],
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=rule,
        detail={
            "what": "monitoring_rule",
            "code": code,
            "version": rule.version,
            "from_version": current.version,
            "parameters": merged,
        },
    )
    return rule


@transaction.atomic
def rule_setting_set(
    *,
    actor,
    county: Org,
    rule_code: str,
    enabled: bool,
    overrides: dict | None = None,
    effective_from: datetime.date | None = None,
    note: str = "",
) -> RuleSetting:
    """The county's enablement and overrides for a rule from a date (appended, never edited)."""
    if county.level != OrgLevel.COUNTY or rule_code not in DEFAULTS:
        raise NotFound()
    if actor is not None and not is_county_admin(actor, county):
        raise PermissionDenied("只有县总工会管理员可以设置本县的监测规则。")
    effective_from = effective_from or today()
    latest = (
        RuleSetting.objects.filter(org=county, rule_code=rule_code)
        .order_by("-effective_from", "-id")
        .first()
    )
    if latest is not None and effective_from < latest.effective_from:
        raise ValidationFailed(
            f"执行日期不能早于已有的最近一条设置({latest.effective_from:%Y-%m-%d})。",
            fields={"effective_from": [f"不能早于 {latest.effective_from:%Y-%m-%d}。"]},
        )
    clean = parameters_clean(rule_code, overrides or {}, partial=True)
    setting = RuleSetting.objects.create(
        org=county,
        rule_code=rule_code,
        enabled=bool(enabled),
        overrides=clean,
        effective_from=effective_from,
        note=(note or "")[:200],
        set_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=county,
        obj=setting,
        detail={
            "what": "rule_setting",
            "code": rule_code,
            "enabled": setting.enabled,
            "overrides": clean,
            "effective_from": effective_from.isoformat(),
        },
    )
    return setting


# --- facts --------------------------------------------------------------------------------------

TARGET_NOT_FOUND = "未找到该身份证号对应的困难职工档案或在册会员，或不在您的管理范围内。"
LIVE = [s for s in ArchiveStatus.values if s != ArchiveStatus.REJECTED]


def targets_for_hashes(
    hashes: set[str],
) -> dict[str, tuple[HardshipArchive | None, Member | None]]:
    """For each ID hash: the live archive holding the person (as worker, else as household
    member), else the active member with that ID; hashes with neither are left out. Three
    queries for any number of hashes (imports resolve a batch at once)."""
    found: dict[str, tuple[HardshipArchive | None, Member | None]] = {}
    if not hashes:
        return found
    for archive in (
        HardshipArchive.objects.filter(id_number_hash__in=hashes, status__in=LIVE)
        .select_related("org")
        .order_by("id")
    ):
        found.setdefault(archive.id_number_hash, (archive, None))
    rest = hashes - set(found)
    if rest:
        for person in (
            HouseholdMember.objects.filter(id_number_hash__in=rest, archive__status__in=LIVE)
            .select_related("archive", "archive__org")
            .order_by("id")
        ):
            found.setdefault(person.id_number_hash, (person.archive, None))
    rest = hashes - set(found)
    if rest:
        for member in (
            Member.objects.filter(id_number_hash__in=rest, status=MemberStatus.ACTIVE)
            .select_related("org")
            .order_by("id")
        ):
            found.setdefault(member.id_number_hash, (None, member))
    return found


def target_for_hash(id_hash: str) -> tuple[HardshipArchive | None, Member | None]:
    """The live archive holding the person (as worker or household member), else the active
    member with that ID; (None, None) when neither exists."""
    return targets_for_hashes({id_hash}).get(id_hash, (None, None))


def id_hash_of(id_number: str) -> str:
    try:
        return keyed_hash(id_number_clean(id_number).number)
    except IdNumberError as exc:
        raise ValidationFailed(str(exc), fields={"id_number": [str(exc)]}) from None


def _target(actor, id_hash: str):
    archive, member = target_for_hash(id_hash)
    target = archive or member
    if target is None or (
        actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, target.org)
    ):
        raise ValidationFailed(TARGET_NOT_FOUND, fields={"id_number": [TARGET_NOT_FOUND]})
    return archive, member


def _amount(value, field: str, label: str, *, positive: bool) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationFailed(f"请填写{label}。", fields={field: [f"请填写{label}。"]}) from None
    low_ok = amount > 0 if positive else amount >= 0
    if not amount.is_finite() or not low_ok or amount > MAX_AMOUNT:
        message = f"{label}应{'大于' if positive else '不小于'} 0 且不超过 10,000,000 元。"
        raise ValidationFailed(message, fields={field: [message]})
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationFailed(f"{label}最多保留两位小数。", fields={field: ["最多两位小数。"]})
    return amount.quantize(Decimal("0.01"))


def _date(value, field: str, label: str, *, on: datetime.date | None = None) -> datetime.date:
    on = on or today()
    if not isinstance(value, datetime.date):
        raise ValidationFailed(f"请填写{label}。", fields={field: [f"请填写{label}。"]})
    if value > on:
        raise ValidationFailed(f"{label}不能晚于今天。", fields={field: ["不能晚于今天。"]})
    if value < on - datetime.timedelta(days=3660):
        raise ValidationFailed(f"{label}过早。", fields={field: ["日期过早。"]})
    return value


def _source(source: str) -> str:
    if source not in FactSource.values:
        raise ValueError(f"unknown fact source {source!r}")
    return source


def _fact_target(errors: ErrorCollector, actor, id_number: str):
    """(ID hash, (archive, member)) for the person, or None with the reason collected."""
    id_hash = errors.check(id_hash_of, id_number)
    if id_hash is None:
        return None
    target = errors.check(_target, actor, id_hash)
    return None if target is None else (id_hash, target)


def _fact_record(actor, model, person, key: dict, values: dict, what: str, **detail):
    """(fact, created): the person's fact with this natural key (the ID's HMAC + `key`), or a
    new one. Recording or importing the same fact twice is one fact. `person` is what
    `_fact_target` found."""
    id_hash, (archive, member) = person
    existing = model.objects.filter(id_number_hash=id_hash, **key).first()
    if existing is not None:
        return existing, False
    fact = model.objects.create(
        org=(archive or member).org,
        archive=archive,
        member=member,
        id_number_hash=id_hash,
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
        **key,
        **values,
    )
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=fact,
        detail={"what": what, "archive": fact.archive_id, "member": fact.member_id, **detail},
    )
    return fact, True


def medical_expense_validate(
    *, actor, id_number="", occurred_on=None, care="", self_paid=None, **_other
) -> tuple:
    """The checks of medical_expense_record, every message at once, without writing:
    (amount, date, person) or ValidationFailed."""
    errors = ErrorCollector()
    if care not in CareKind.values:
        errors.add("care", "请选择门诊或住院。")
    amount = errors.check(_amount, self_paid, "self_paid", "个人自付金额", positive=True)
    occurred_on = errors.check(_date, occurred_on, "occurred_on", "就诊日期")
    person = _fact_target(errors, actor, id_number)
    errors.raise_if_any()
    return amount, occurred_on, person


def job_loss_validate(*, actor, id_number="", lost_on=None, **_other) -> tuple:
    """The checks of job_loss_record, every message at once, without writing:
    (date, person) or ValidationFailed."""
    errors = ErrorCollector()
    lost_on = errors.check(_date, lost_on, "lost_on", "失业日期")
    person = _fact_target(errors, actor, id_number)
    errors.raise_if_any()
    return lost_on, person


def disaster_event_validate(
    *, actor, id_number="", occurred_on=None, kind="", loss=None, **_other
) -> tuple:
    """The checks of disaster_event_record, every message at once, without writing:
    (loss, date, person) or ValidationFailed."""
    errors = ErrorCollector()
    if kind not in DisasterKind.values:
        errors.add("kind", "请选择灾害或事故类型。")
    amount = errors.check(_amount, loss or 0, "loss", "损失金额", positive=False)
    occurred_on = errors.check(_date, occurred_on, "occurred_on", "发生日期")
    person = _fact_target(errors, actor, id_number)
    errors.raise_if_any()
    return amount, occurred_on, person


COMPULSORY_REFUSED = "义务教育阶段(小学、初中)免收学费，其费用不计入教育支出预警。"


def schooling_expense_validate(
    *, actor, id_number="", paid_on=None, stage="", amount=None, **_other
) -> tuple:
    """The checks of schooling_expense_record, every message at once, without writing:
    (amount, date, person) or ValidationFailed."""
    errors = ErrorCollector()
    if stage in COMPULSORY_STAGES:
        errors.add("stage", COMPULSORY_REFUSED)
    elif stage not in NON_COMPULSORY_STAGES:
        errors.add("stage", "请选择学段。")
    value = errors.check(_amount, amount, "amount", "教育支出金额", positive=True)
    paid_on = errors.check(_date, paid_on, "paid_on", "缴费日期")
    person = _fact_target(errors, actor, id_number)
    errors.raise_if_any()
    return value, paid_on, person


@transaction.atomic
def medical_expense_record(
    *,
    actor,
    id_number: str,
    occurred_on: datetime.date,
    care: str,
    self_paid,
    note: str = "",
    source: str = FactSource.MANUAL,
) -> tuple[MedicalExpense, bool]:
    """(expense, created): the same person, day, kind of care and amount is one bill."""
    amount, occurred_on, person = medical_expense_validate(
        actor=actor, id_number=id_number, occurred_on=occurred_on, care=care, self_paid=self_paid
    )
    return _fact_record(
        actor,
        MedicalExpense,
        person,
        {"occurred_on": occurred_on, "care": care, "self_paid": amount},
        {"source": _source(source), "note": (note or "")[:300]},
        "medical_expense",
        care=care,
        self_paid=str(amount),
    )


@transaction.atomic
def job_loss_record(
    *,
    actor,
    id_number: str,
    lost_on: datetime.date,
    employer_name: str = "",
    reason: str = "",
    note: str = "",
    source: str = FactSource.MANUAL,
) -> tuple[JobLossReport, bool]:
    """(report, created): the same person losing work on the same day is one report."""
    lost_on, person = job_loss_validate(actor=actor, id_number=id_number, lost_on=lost_on)
    return _fact_record(
        actor,
        JobLossReport,
        person,
        {"lost_on": lost_on},
        {
            "employer_name": (employer_name or "")[:150],
            "reason": (reason or "")[:200],
            "source": _source(source),
            "note": (note or "")[:300],
        },
        "job_loss",
    )


@transaction.atomic
def disaster_event_record(
    *,
    actor,
    id_number: str,
    occurred_on: datetime.date,
    kind: str,
    loss=0,
    note: str = "",
    source: str = FactSource.MANUAL,
) -> tuple[DisasterEvent, bool]:
    """(event, created): the same person, day and kind recorded twice is one event."""
    amount, occurred_on, person = disaster_event_validate(
        actor=actor, id_number=id_number, occurred_on=occurred_on, kind=kind, loss=loss
    )
    return _fact_record(
        actor,
        DisasterEvent,
        person,
        {"occurred_on": occurred_on, "kind": kind},
        {"loss": amount, "source": _source(source), "note": (note or "")[:300]},
        "disaster_event",
        kind=kind,
        loss=str(amount),
    )


@transaction.atomic
def schooling_expense_record(
    *,
    actor,
    id_number: str,
    paid_on: datetime.date,
    stage: str,
    amount,
    student_name: str = "",
    school: str = "",
    note: str = "",
    source: str = FactSource.MANUAL,
) -> tuple[SchoolingExpense, bool]:
    """(expense, created): a non-compulsory schooling cost the person's household bears, for
    any member or hardship household (the ID is the member's, the worker's or a recorded
    household member's). The same person, day, stage, student and amount is one bill."""
    value, paid_on, person = schooling_expense_validate(
        actor=actor, id_number=id_number, paid_on=paid_on, stage=stage, amount=amount
    )
    student_name = normalise_text(student_name or "")[:50]
    return _fact_record(
        actor,
        SchoolingExpense,
        person,
        {"paid_on": paid_on, "stage": stage, "student_name": student_name, "amount": value},
        {
            "school": normalise_text(school or "")[:100],
            "source": _source(source),
            "note": (note or "")[:300],
        },
        "schooling_expense",
        stage=stage,
        amount=str(value),
    )


@transaction.atomic
def employment_found_record(
    *,
    actor,
    archive: HardshipArchive,
    found_on: datetime.date,
    employer_name: str = "",
    monthly_pay=None,
    note: str = "",
    source: str = FactSource.OUTREACH,
) -> tuple[EmploymentReport, bool]:
    """(report, created): a job found by the worker of an archived household, reported by
    another module (outreach follow-ups) or staff. The same person and day is one report.
    It enters the archive's trail; a job loss before it no longer alerts (rules.job_loss).
    `actor=None`: reported by the system on behalf of the module that found it."""
    if archive.status == ArchiveStatus.REJECTED:
        raise ValidationFailed(TARGET_NOT_FOUND, fields={"archive": [TARGET_NOT_FOUND]})
    if actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, archive.org):
        raise NotFound()
    errors = ErrorCollector()
    found_on = errors.check(_date, found_on, "found_on", "就业日期")
    pay = None
    if monthly_pay not in (None, ""):
        pay = errors.check(_amount, monthly_pay, "monthly_pay", "月工资", positive=True)
    errors.raise_if_any()
    existing = EmploymentReport.objects.filter(
        archive=archive, id_number_hash=archive.id_number_hash, found_on=found_on
    ).first()
    if existing is not None:
        return existing, False
    from gonghui.assistance.archives.services import _step
    from gonghui.assistance.choices import StepAction

    report = EmploymentReport.objects.create(
        org=archive.org,
        archive=archive,
        id_number_hash=archive.id_number_hash,
        found_on=found_on,
        employer_name=normalise_text(employer_name)[:150],
        monthly_pay=pay,
        source=_source(source),
        note=(note or "")[:300],
        recorded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _step(
        archive,
        action=StepAction.EMPLOYMENT,
        actor=actor,
        on=found_on,
        from_status=archive.status,
        note=f"{report.employer_name or '就业'}"
        + (f"，月工资 {pay} 元" if pay is not None else "")
        + "。收入变化后请及时复核家庭收支。",
        data={"employment_report": report.pk},
    )
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=report,
        detail={"what": "employment_found", "archive": archive.pk, "monthly_pay": str(pay or "")},
    )
    return report, True


# --- runs ----------------------------------------------------------------------------------------


def run_counties(actor, county: Org | None) -> list[Org]:
    """The counties a run covers: all (system) or those in the actor's county-level scope."""
    counties = Org.objects.filter(level=OrgLevel.COUNTY, status=OrgStatus.ACTIVE).order_by("path")
    if county is not None:
        counties = counties.filter(pk=county.pk)
    if actor is None:
        return list(counties)
    roots = [r for r in scope_roots(actor, MODULE, Action.EDIT) if r.level <= OrgLevel.COUNTY]
    if not roots:
        return []
    return [c for c in counties if any(c.path.startswith(r.path) for r in roots)]


def monitoring_run_create(
    *, actor, county: Org | None, trigger: str, on: datetime.date | None
) -> MonitoringRun:
    """A run record, queued: refused to those who may not start one, and while another runs."""
    if trigger not in RunTrigger.values:
        raise ValueError(f"unknown trigger {trigger!r}")
    if actor is not None:
        covered = run_counties(actor, county)
        if not covered:
            raise PermissionDenied("只有县总工会有编辑权限的工作人员可以发起监测。")
        if county is None and len(covered) == 1:
            county = covered[0]
    busy = MonitoringRun.objects.filter(
        status__in=(RunStatus.QUEUED, RunStatus.RUNNING),
        queued_at__gte=timezone.now() - STALE_RUN,
        county=county,
    )
    if actor is not None and busy.exists():
        raise Conflict("已有一次监测正在进行，请稍后查看结果。", code="run_in_progress")
    return MonitoringRun.objects.create(
        trigger=trigger,
        county=county,
        on=on or today(),
        by=actor if actor is not None and actor.is_authenticated else None,
    )


def monitoring_run(
    *,
    actor=None,
    county: Org | None = None,
    trigger: str = RunTrigger.SCHEDULED,
    on: datetime.date | None = None,
) -> MonitoringRun:
    """Evaluate every enabled rule for the counties (all, or the actor's) now, in this process."""
    run = monitoring_run_create(actor=actor, county=county, trigger=trigger, on=on)
    return monitoring_run_execute(run.pk, actor=actor)


def monitoring_run_execute(run_id: int, *, actor=None) -> MonitoringRun:
    """The run's body (also the background task's): rule by rule, county by county."""
    run = MonitoringRun.objects.select_related("county", "by").get(pk=run_id)
    if run.status not in (RunStatus.QUEUED,):
        return run
    actor = actor or run.by
    started = time.perf_counter()
    MonitoringRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    try:
        rules_ensure()
        counties = run_counties(actor, run.county)
        rules = list(MonitoringRule.objects.filter(is_current=True).order_by("code"))
        assigner = Assigner()
        counts: dict[str, dict] = {r.code: {"fired": 0, "opened": 0, "ms": 0} for r in rules}
        notes: list[str] = []
        steps, done = max(len(counties) * len(rules), 1), 0
        for county in counties:
            standard = standard_in_force(county, run.on)
            if standard is None:
                notes.append(f"{county.name}未设置低保标准，跳过收入临界规则")
            thresholds = thresholds_in_force(county, run.on)
            for rule in rules:
                setting = setting_in_force(county, rule.code, run.on)
                if setting is None or setting.enabled:
                    ctx = RuleContext(
                        county=county,
                        on=run.on,
                        rule=rule,
                        params=parameters_merged(rule, setting),
                        standard=standard.monthly_amount if standard else None,
                        thresholds=thresholds,
                    )
                    t0 = time.perf_counter()
                    fired, opened = _rule_apply(ctx, run, assigner)
                    counts[rule.code]["fired"] += fired
                    counts[rule.code]["opened"] += opened
                    counts[rule.code]["ms"] += round((time.perf_counter() - t0) * 1000)
                else:
                    counts[rule.code].setdefault("disabled_in", []).append(county.name)
                done += 1
                MonitoringRun.objects.filter(pk=run.pk).update(progress=int(100 * done / steps))
        opened = sum(c["opened"] for c in counts.values())
        MonitoringRun.objects.filter(pk=run.pk).update(
            status=RunStatus.DONE,
            finished_at=timezone.now(),
            duration_ms=round((time.perf_counter() - started) * 1000),
            progress=100,
            counts=counts,
            opened=opened,
            message="；".join(notes)[:300],
        )
    except Exception:
        logger.exception("monitoring run %s failed", run.pk)
        MonitoringRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            duration_ms=round((time.perf_counter() - started) * 1000),
            message="监测运行时发生系统错误，请稍后重试；如仍失败请联系管理员。",
        )
        raise
    run.refresh_from_db()
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=run.county,
        obj=run,
        detail={
            "what": "monitoring_run",
            "trigger": run.trigger,
            "opened": run.opened,
            "counts": run.counts,
            "on": run.on.isoformat(),
        },
    )
    return run


def _rule_apply(ctx: RuleContext, run: MonitoringRun, assigner: Assigner) -> tuple[int, int]:
    """One rule in one county, atomically: evaluate, then insert the new alerts."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A rule query is many cheap index probes with a large estimated cost:
            # JIT-compiling it takes longer than it saves (bench/README.md, monitoring).
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        hits = RULES[ctx.rule.code](ctx)
        if not hits:
            return 0, 0
        days = {**DEFAULT_DEADLINE_DAYS, **(ctx.params.get("deadline_days") or {})}
        deadlines = {risk: working_days_after(ctx.on, days[risk]) for risk in RiskLevel.values}
        assignees = assigner.pick_many([hit.org_id for hit in hits])
        batch = AlertBatch(
            rule=ctx.rule,
            run=run,
            opened_on=ctx.on,
            parameters=_shown_parameters(ctx),
            rows=[
                NewAlert(
                    hit.org_id,
                    hit.archive_id,
                    hit.member_id,
                    hit.risk,
                    hit.facts,
                    deadlines[hit.risk],
                    assignee,
                )
                for hit, assignee in zip(hits, assignees, strict=True)
            ],
        )
        return len(hits), alerts_write(batch, county_orgs=ctx.county_orgs())


def _shown_parameters(ctx: RuleContext) -> dict:
    """The parameters the rule ran with (county overrides applied), without the deadlines."""
    return {k: v for k, v in ctx.params.items() if k != "deadline_days"}


# --- alerts -------------------------------------------------------------------------------------


@transaction.atomic
def alert_close(*, actor, alert: Alert, outcome: str, reason: str) -> Alert:
    """Close an open alert with its outcome and a reason (what was found or done)."""
    alert = Alert.objects.select_for_update().select_related("org").get(pk=alert.pk)
    if actor is not None and not org_in_scope(actor, MODULE, Action.EDIT, alert.org):
        raise NotFound()
    errors: dict[str, list[str]] = {}
    if outcome not in AlertOutcome.values:
        errors["outcome"] = ["请选择处置结果。"]
    reason = (reason or "").strip()
    if len(reason) < 2:
        errors["reason"] = ["请填写处置说明(核实情况或帮扶措施)。"]
    elif len(reason) > 500:
        errors["reason"] = ["处置说明不能超过 500 个字。"]
    if errors:
        raise ValidationFailed("请填写处置结果和处置说明。", fields=errors)
    if alert.status != AlertStatus.OPEN:
        raise Conflict("该预警已办结。", code="alert_closed")
    alert.status = AlertStatus.CLOSED
    alert.outcome = outcome
    alert.close_reason = reason
    alert.closed_by = actor if actor is not None and actor.is_authenticated else None
    alert.closed_at = timezone.now()
    alert.save(
        update_fields=["status", "outcome", "close_reason", "closed_by", "closed_at", "updated_at"]
    )
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=alert,
        detail={
            "what": "alert_close",
            "rule": alert.rule_code,
            "outcome": outcome,
            "on_time": alert.closed_on_time,
        },
    )
    return alert


__all__ = [
    "RuleCode",
    "alert_close",
    "disaster_event_record",
    "employment_found_record",
    "job_loss_record",
    "medical_expense_record",
    "monitoring_run",
    "monitoring_run_execute",
    "monitoring_run_create",
    "rule_setting_set",
    "rule_update",
    "rules_ensure",
    "schooling_expense_record",
]
