"""Writes to programmes (create, rules: a new version row each time, budget allocations,
close) and to their grants (帮扶发放: propose, approve in batch, disburse, cancel).

Keyword-only, atomic, scope-checked (module `assistance`), audited. Budget rows change only
under `select_for_update`; a sub-allocation is carved out of its parent row (`allocated`),
so each row's own invariant `committed + allocated ≤ amount` is all there is to keep.

Money rules of grants:
- Budget is never overspent. Approval locks the grants, then every budget row they draw on
  (`select_for_update`, in id order, so two batches cannot deadlock), checks
  committed + new ≤ amount − allocated per row, and only then writes. The database check
  constraint `budget_never_overspent` backs this up.
- A batch approval is all-or-nothing: one refused grant (not pending, out of scope, over
  budget) refuses the whole batch and nothing changes.
- The same need is not paid twice across programmes: `need_key` (need family, household,
  period, subject) is unique among grants that are not cancelled; a clash is refused with a
  message naming the earlier grant.
"""

import datetime
import secrets
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from gonghui.assistance.category import money
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import (
    Grant,
    HardshipArchive,
    Programme,
    ProgrammeBudget,
    ProgrammeRule,
)
from gonghui.assistance.programmes.models import (
    GrantStatus,
    PaymentMethod,
    ProgrammeKind,
    ProgrammeStatus,
)
from gonghui.assistance.programmes.rules import (
    DEFAULT_RULES,
    Candidate,
    HouseholdFacts,
    MedicalCost,
    Student,
    candidates,
    rule_clean,
)
from gonghui.assistance.standards.selectors import today
from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.core.text import normalise_text
from gonghui.orgs.models import Org, OrgLevel

MODULE = "assistance"
MAX_BUDGET = Decimal("100000000")


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def require_org(actor, org: Org, action: str = Action.EDIT) -> None:
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def budget_amount(value, label: str = "预算金额", field: str = "amount") -> Decimal:
    try:
        number = Decimal(str(normalise_text(value)).replace(",", ""))
    except (InvalidOperation, ValueError, TypeError):
        number = None
    if number is None or not number.is_finite() or number < 0:
        message = f"{label}应为不小于 0 的金额数字。"
        raise ValidationFailed(message, fields={field: [message]})
    if number > MAX_BUDGET:
        message = f"{label}不能超过 {money(MAX_BUDGET)} 元。"
        raise ValidationFailed(message, fields={field: [message]})
    if number != number.quantize(Decimal("0.01")):
        message = f"{label}最多保留两位小数(分)。"
        raise ValidationFailed(message, fields={field: [message]})
    return number.quantize(Decimal("0.01"))


def _programme_errors(
    *, org, kind, name, year, starts_on, ends_on, budget, eligibility, amount
) -> tuple[dict[str, list[str]], dict]:
    """Every message a new programme's fields get (the rule's as `rule-<field>`), and the
    clean values when there are none."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    if org is None or org.level not in (OrgLevel.COUNTY, OrgLevel.TOWNSHIP) or not org.is_active:
        errors["org"] = ["帮扶项目应由县总工会或乡镇(街道)工会设立。"]
    if kind not in ProgrammeKind.values:
        errors["kind"] = ["请选择项目类型。"]
    clean["name"] = name = normalise_text(name)
    if not name:
        errors["name"] = ["请填写项目名称。"]
    elif len(name) > 100:
        errors["name"] = ["项目名称不能超过 100 个字。"]
    if not isinstance(year, int) or not 2000 <= year <= today().year + 1:
        errors["year"] = ["请填写正确的年度。"]
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        errors["ends_on"] = ["请填写项目起止日期。"]
    elif ends_on < starts_on:
        errors["ends_on"] = ["结束日期不能早于开始日期。"]
    try:
        clean["budget"] = budget_amount(budget, field="budget")
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if kind in ProgrammeKind.values or eligibility or amount:
        # The rule is checked with the rest, so that one submit shows every problem.
        default_eligibility, default_amount = DEFAULT_RULES.get(kind, (None, None))
        try:
            clean["eligibility"], clean["amount"] = rule_clean(
                eligibility or default_eligibility, amount or default_amount
            )
        except ValidationFailed as exc:
            errors.update({f"rule-{key}": messages for key, messages in exc.fields.items()})
    return errors, clean


def programme_validate(
    *,
    actor,
    org: Org | None = None,
    kind: str = "",
    name: str = "",
    year=None,
    starts_on=None,
    ends_on=None,
    budget="",
    description: str = "",
    eligibility: dict | None = None,
    amount: dict | None = None,
) -> None:
    """The field checks of programme_create, without writing (for a form whose own fields
    failed): raises ValidationFailed with every field's message."""
    errors, _clean = _programme_errors(
        org=org,
        kind=kind,
        name=name,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        budget=budget,
        eligibility=eligibility,
        amount=amount,
    )
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)


@transaction.atomic
def programme_create(
    *,
    actor,
    org: Org,
    kind: str,
    name: str,
    year: int,
    starts_on: datetime.date,
    ends_on: datetime.date,
    budget: Decimal | str,
    description: str = "",
    eligibility: dict | None = None,
    amount: dict | None = None,
) -> Programme:
    """A programme owned by a county or township union, with its root budget and rule v1
    (the kind's default rule unless one is given)."""
    require_org(actor, org)
    errors, clean = _programme_errors(
        org=org,
        kind=kind,
        name=name,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        budget=budget,
        eligibility=eligibility,
        amount=amount,
    )
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)
    name, root_amount = clean["name"], clean["budget"]
    clean_eligibility, clean_amount = clean["eligibility"], clean["amount"]
    programme = Programme.objects.create(
        org=org,
        kind=kind,
        name=name,
        year=year,
        starts_on=starts_on,
        ends_on=ends_on,
        description=normalise_text(description)[:500],
        created_by=_user(actor),
    )
    ProgrammeBudget.objects.create(programme=programme, org=org, amount=root_amount)
    ProgrammeRule.objects.create(
        programme=programme,
        version=1,
        eligibility=clean_eligibility,
        amount=clean_amount,
        note="设立项目",
        created_by=_user(actor),
    )
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=org,
        obj=programme,
        detail={"what": "programme", "kind": kind, "year": year, "budget": str(root_amount)},
    )
    return programme


def rule_current(programme: Programme) -> ProgrammeRule:
    return programme.rules.order_by("-version").first()


@transaction.atomic
def programme_rule_set(
    *, actor, programme: Programme, eligibility: dict, amount: dict, note: str = ""
) -> ProgrammeRule:
    """A new rule version; proposals from now on use it, earlier grants keep theirs."""
    programme = Programme.objects.select_for_update().select_related("org").get(pk=programme.pk)
    require_org(actor, programme.org)
    if programme.status == ProgrammeStatus.CLOSED:
        raise Conflict("项目已结束，不能修改规则。")
    clean_eligibility, clean_amount = rule_clean(eligibility, amount)
    current = rule_current(programme)
    if current and (current.eligibility, current.amount) == (clean_eligibility, clean_amount):
        return current
    rule = ProgrammeRule.objects.create(
        programme=programme,
        version=(current.version if current else 0) + 1,
        eligibility=clean_eligibility,
        amount=clean_amount,
        note=normalise_text(note)[:200],
        created_by=_user(actor),
    )
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=programme.org,
        obj=programme,
        detail={"what": "programme_rule", "version": rule.version},
    )
    return rule


def nearest_budget(programme: Programme, org: Org) -> ProgrammeBudget | None:
    """The budget row whose org is org or its nearest ancestor (None: org outside)."""
    rows = [b for b in programme.budgets.select_related("org") if org.path.startswith(b.org.path)]
    return max(rows, key=lambda b: len(b.org.path), default=None)


@transaction.atomic
def budget_allocate(*, actor, programme: Programme, org: Org, amount) -> ProgrammeBudget:
    """Set the sub-allocation of `org` (creating or changing its row). Carved out of the
    nearest budget above it; the actor needs edit scope over that parent row's org."""
    programme = Programme.objects.select_related("org").get(pk=programme.pk)
    if programme.status == ProgrammeStatus.CLOSED:
        raise Conflict("项目已结束，不能调整预算。")
    amount = budget_amount(amount)
    require_org(actor, org, Action.VIEW)
    existing = ProgrammeBudget.objects.filter(programme=programme, org=org).first()
    if existing is not None and existing.parent_id is None:
        raise ValidationFailed(
            "项目设立单位的总预算不在此调整；请为下级单位分配预算。",
            fields={"org": ["请选择下级单位。"]},
        )
    if org.pk == programme.org_id or not org.path.startswith(programme.org.path):
        raise ValidationFailed(
            f"只能向{programme.org.name}下属的单位分配预算。", fields={"org": ["请选择下级单位。"]}
        )
    parent = existing.parent if existing else nearest_budget(programme, org)
    require_org(actor, parent.org)
    # Lock parent then child (always in this order: parents have smaller paths).
    parent = ProgrammeBudget.objects.select_for_update().select_related("org").get(pk=parent.pk)
    row = None
    if existing is not None:
        row = ProgrammeBudget.objects.select_for_update().get(pk=existing.pk)
    before = row.amount if row else Decimal(0)
    delta = amount - before
    if delta > parent.available:
        message = (
            f"{parent.org.name}可分配余额为 {money(parent.available)} 元，"
            f"不足以再分配 {money(delta)} 元。"
        )
        raise ValidationFailed(message, fields={"amount": [message]}, code="budget_exceeded")
    if row is not None and amount < row.committed + row.allocated:
        message = (
            f"{org.name}已审批占用 {money(row.committed)} 元、已下拨 {money(row.allocated)} 元，"
            "预算不能低于两者之和。"
        )
        raise ValidationFailed(message, fields={"amount": [message]})
    try:
        with transaction.atomic():
            if row is None:
                row = ProgrammeBudget.objects.create(
                    programme=programme, org=org, parent=parent, amount=amount
                )
            else:
                ProgrammeBudget.objects.filter(pk=row.pk).update(
                    amount=amount, version=F("version") + 1
                )
            ProgrammeBudget.objects.filter(pk=parent.pk).update(
                allocated=F("allocated") + delta, version=F("version") + 1
            )
    except IntegrityError as exc:
        raise Conflict("预算已被他人调整，请刷新后重试。") from exc
    row.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=org,
        obj=programme,
        detail={"what": "budget", "org": org.pk, "from": str(before), "to": str(amount)},
    )
    return row


@transaction.atomic
def programme_close(*, actor, programme: Programme) -> Programme:
    programme = Programme.objects.select_for_update().select_related("org").get(pk=programme.pk)
    require_org(actor, programme.org)
    if programme.status == ProgrammeStatus.CLOSED:
        return programme
    programme.status = ProgrammeStatus.CLOSED
    programme.save(update_fields=["status", "updated_at"])
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=programme.org,
        obj=programme,
        detail={"what": "programme_close"},
    )
    return programme


# --- grants (帮扶发放): propose, approve in batch, disburse, cancel -------------------------------------


MAX_BATCH = 500


# Kinds whose needs are the same across programmes of that kind.
NEED_FAMILIES = {
    ProgrammeKind.WARMTH: "warmth",
    ProgrammeKind.SCHOOLING: "schooling",
    ProgrammeKind.MEDICAL: "medical",
    ProgrammeKind.LIVING: "living",
    ProgrammeKind.EMPLOYMENT: "employment",
}


def _in_scope(actor, action: str, org) -> bool:
    return actor is None or org_in_scope(actor, MODULE, action, org)


def _medical_facts(archive: HardshipArchive) -> list[MedicalCost]:
    """Self-paid medical costs recorded as monitoring facts, when that model exists."""
    try:
        model = apps.get_model("assistance", "MedicalExpense")
    except LookupError:
        return []
    fields = {f.name for f in model._meta.get_fields()}
    amount_field = next((f for f in ("self_paid", "self_paid_amount", "amount") if f in fields), "")
    if "archive" not in fields or not amount_field:
        return []
    date_field = next((f for f in ("incurred_on", "occurred_on", "on", "date") if f in fields), "")
    costs = []
    for row in model.objects.filter(archive=archive).order_by("id")[:50]:
        when = getattr(row, date_field, None) if date_field else None
        label = "医疗费用记录" + (f"({when:%Y-%m-%d})" if when else f" #{row.pk}")
        costs.append(MedicalCost(amount=getattr(row, amount_field), label=label, fact_id=row.pk))
    return costs


def household_facts(archive: HardshipArchive) -> HouseholdFacts:
    medical = _medical_facts(archive)
    if not medical and archive.medical_expense > 0:
        medical = [MedicalCost(amount=archive.medical_expense, label="年医疗刚性支出")]
    return HouseholdFacts(
        category=archive.category,
        work_status=archive.work_status,
        is_zero_employment=archive.is_zero_employment,
        students=tuple(
            Student(p.pk, p.name, p.school_stage) for p in archive.household_members.order_by("id")
        ),
        medical_costs=tuple(medical),
    )


def need_family(programme: Programme, rule) -> str:
    family = NEED_FAMILIES.get(programme.kind)
    if family:
        return family
    kind = rule.amount.get("type")
    if kind == "by_school_stage":
        return "schooling"
    if kind == "share_with_cap":
        return "medical"
    return f"custom{programme.pk}"


def need_key(programme: Programme, rule, archive_id: int, candidate: Candidate) -> str:
    """family:household:period:subject. A recorded medical expense is its own need whatever
    the year; everything else is per programme year."""
    family = need_family(programme, rule)
    if candidate.subject.startswith("expense-"):
        return f"{family}:{archive_id}:{candidate.subject}"
    return f"{family}:{archive_id}:{programme.year}:{candidate.subject}"


def _describe(grant: Grant) -> str:
    return (
        f"“{grant.programme.year} 年{grant.programme.name}”第 {grant.pk} 号发放"
        f"({money(grant.amount)} 元，{grant.get_status_display()})"
    )


def paid_twice_message(archive: HardshipArchive, earlier: Grant, subject: str) -> str:
    what = f"{archive.name}家庭" + (f"{subject}" if subject and subject != "本户" else "")
    return f"{what}的这项需求已在{_describe(earlier)}中帮扶，同一需求不能重复发放。"


def household_candidates(
    programme: Programme, archive: HardshipArchive, *, need_amount=None, rule=None
) -> list[Candidate]:
    rule = rule or rule_current(programme)
    return candidates(
        rule.eligibility, rule.amount, household_facts(archive), need_amount=need_amount
    )


def _archive_for(actor, archive_id) -> HardshipArchive:
    archive = (
        HardshipArchive.objects.select_for_update(of=("self",))
        .select_related("org")
        .filter(pk=archive_id)
        .first()
    )
    if archive is None or not _in_scope(actor, Action.EDIT, archive.org):
        raise NotFound()
    return archive


@transaction.atomic
def grants_propose(
    *,
    actor,
    programme: Programme,
    selections: list[tuple[int, str | None]],
    need_amount=None,
    on: datetime.date | None = None,
) -> list[Grant]:
    """Propose grants for households: `selections` = [(archive_id, subject or None)], None
    meaning every need the rule finds for that household. All or nothing.

    `need_amount`: a self-paid medical cost entered by staff (medical rules; replaces the
    costs on record)."""
    programme = Programme.objects.select_related("org").get(pk=programme.pk)
    if programme.status == ProgrammeStatus.CLOSED:
        raise Conflict("项目已结束，不能再提出发放。")
    if not selections:
        raise ValidationFailed("请至少选择一户。")
    if len(selections) > MAX_BATCH:
        raise ValidationFailed(f"一次最多提出 {MAX_BATCH} 项。")
    if need_amount not in (None, ""):
        need_amount = budget_amount(need_amount, "核定的自付医疗费用", "need_amount")
        if need_amount <= 0:
            raise ValidationFailed("核定的自付医疗费用应大于 0。")
    else:
        need_amount = None
    rule = rule_current(programme)
    day = on or today()
    created: list[Grant] = []
    seen: set[str] = set()
    for archive_id, subject in sorted(selections, key=lambda s: (int(s[0]), s[1] or "")):
        archive = _archive_for(actor, archive_id)
        if archive.status != ArchiveStatus.ARCHIVED:
            raise ValidationFailed(f"{archive.name}家庭不是在档困难职工，不能提出发放。")
        budget = nearest_budget(programme, archive.org)
        if budget is None:
            raise ValidationFailed(
                f"{archive.name}家庭不在{programme.org.name}的范围内，不属于本项目帮扶对象。"
            )
        found = household_candidates(programme, archive, need_amount=need_amount, rule=rule)
        if subject:
            found = [c for c in found if c.subject == subject]
        if not found:
            raise ValidationFailed(f"{archive.name}家庭不符合本项目的资格条件。")
        for candidate in found:
            key = need_key(programme, rule, archive.pk, candidate)
            if key in seen:
                continue
            seen.add(key)
            earlier = (
                Grant.objects.exclude(status=GrantStatus.CANCELLED)
                .select_related("programme")
                .filter(need_key=key)
                .first()
            )
            if earlier is not None:
                raise Conflict(
                    paid_twice_message(archive, earlier, candidate.subject_label),
                    code="need_already_paid",
                )
            grant = Grant(
                org=archive.org,
                programme=programme,
                budget=budget,
                rule=rule,
                archive=archive,
                household_member_id=candidate.member_id,
                subject=candidate.subject_label[:100],
                need_key=key,
                need_amount=candidate.need_amount,
                amount=candidate.amount,
                reason=candidate.reason,
                proposed_on=day,
                proposed_by=_user(actor),
            )
            try:
                with transaction.atomic():
                    grant.save()
            except IntegrityError as exc:  # a concurrent proposal for the same need won
                raise Conflict(
                    f"{archive.name}家庭的这项需求刚刚已被提出发放，同一需求不能重复发放。",
                    code="need_already_paid",
                ) from exc
            created.append(grant)
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        org=programme.org,
        obj=programme,
        detail={"what": "grants_propose", "grants": [g.pk for g in created]},
    )
    return created


@transaction.atomic
def grants_approve(*, actor, grant_ids: list[int], on: datetime.date | None = None) -> list[Grant]:
    """Approve pending grants as one batch: all of them or none.

    The approver holds `approve` over the org whose budget the grant draws on (that org or
    above it: the owning org, the county)."""
    ids = sorted({int(i) for i in grant_ids})
    if not ids:
        raise ValidationFailed("请至少选择一项待审批的发放。")
    if len(ids) > MAX_BATCH:
        raise ValidationFailed(f"一次最多审批 {MAX_BATCH} 项。")
    day = on or today()
    if day > today():
        raise ValidationFailed("审批日期不能晚于今天。")
    grants = list(
        Grant.objects.select_for_update(of=("self",))
        .select_related("archive", "budget__org", "programme", "org")
        .filter(pk__in=ids)
        .order_by("pk")
    )
    if len(grants) != len(ids):
        raise NotFound()
    for grant in grants:
        if not _in_scope(actor, Action.VIEW, grant.org):
            raise NotFound()
    refusals = []
    for grant in grants:
        who = f"{grant.archive.name}家庭({money(grant.amount)} 元)"
        if grant.status != GrantStatus.PROPOSED:
            refusals.append(f"{who}已是“{grant.get_status_display()}”，不是待审批状态")
        elif grant.programme.status == ProgrammeStatus.CLOSED:
            refusals.append(f"{who}所属项目已结束")
        elif not _in_scope(actor, Action.APPROVE, grant.budget.org):
            refusals.append(f"{who}动用{grant.budget.org.name}的预算，您无权审批")
    if refusals:
        raise Conflict(
            "本批审批未执行，全部发放保持待审批：" + "；".join(refusals) + "。",
            code="batch_refused",
        )
    needed: dict[int, object] = {}
    for grant in grants:
        needed[grant.budget_id] = needed.get(grant.budget_id, 0) + grant.amount
    budgets = {
        b.pk: b
        for b in ProgrammeBudget.objects.select_for_update()
        .select_related("org")
        .filter(pk__in=needed)
        .order_by("pk")
    }
    over = [
        f"{b.org.name}预算余额 {money(b.available)} 元，本批需 {money(needed[pk])} 元"
        for pk, b in budgets.items()
        if b.committed + needed[pk] > b.amount - b.allocated
    ]
    if over:
        raise ValidationFailed(
            "预算不足，本批审批未执行，全部发放保持待审批：" + "；".join(over) + "。",
            code="budget_exceeded",
        )
    for pk, total in needed.items():
        ProgrammeBudget.objects.filter(pk=pk).update(
            committed=F("committed") + total, version=F("version") + 1
        )
    batch = secrets.token_hex(6)
    Grant.objects.filter(pk__in=ids).update(
        status=GrantStatus.APPROVED,
        approved_on=day,
        approved_by=_user(actor),
        approval_batch=batch,
        version=F("version") + 1,
    )
    for grant in grants:
        audit_record(
            action=AuditAction.APPROVED,
            user=actor,
            org=grant.org,
            obj=grant,
            detail={"what": "grant_approve", "batch": batch, "amount": str(grant.amount)},
        )
    return list(Grant.objects.filter(pk__in=ids).order_by("pk"))


def _locked_grant(actor, grant: Grant) -> Grant:
    grant = (
        Grant.objects.select_for_update(of=("self",))
        .select_related("archive", "budget__org", "programme", "org")
        .get(pk=grant.pk)
    )
    if not _in_scope(actor, Action.VIEW, grant.org):
        raise NotFound()
    return grant


@transaction.atomic
def grant_disburse(
    *,
    actor,
    grant: Grant,
    method: str,
    on: datetime.date | None = None,
    handled_by: str = "",
    note: str = "",
) -> Grant:
    """Record the payment: by bank transfer to the household's account on the archive
    (kept on the grant as paid), or in cash (who received it). Edit scope over the paying
    org (the budget's)."""
    grant = _locked_grant(actor, grant)
    if not _in_scope(actor, Action.EDIT, grant.budget.org):
        raise PermissionDenied(f"发放须由{grant.budget.org.name}或其上级工会的工作人员登记。")
    if grant.status != GrantStatus.APPROVED:
        raise Conflict(f"该发放为“{grant.get_status_display()}”，只有已审批的发放才能登记发放。")
    day = on or today()
    errors: dict[str, list[str]] = {}
    if day > today():
        errors["on"] = ["发放日期不能晚于今天。"]
    elif grant.approved_on and day < grant.approved_on:
        errors["on"] = [f"发放日期不能早于审批日期({grant.approved_on:%Y-%m-%d})。"]
    handled_by = normalise_text(handled_by)[:100]
    if method == PaymentMethod.BANK:
        if not grant.archive.bank_account:
            errors["method"] = ["该档案未登记银行账号，请先在档案中补充，或改为现金发放。"]
    elif method == PaymentMethod.CASH:
        if not handled_by:
            errors["handled_by"] = ["现金发放请填写领款人。"]
    else:
        errors["method"] = ["请选择发放方式。"]
    if errors:
        raise ValidationFailed("请检查填写的内容。", fields=errors)
    grant.status = GrantStatus.DISBURSED
    grant.method = method
    grant.disbursed_on = day
    grant.disbursed_by = _user(actor)
    grant.handled_by = handled_by
    grant.disbursement_note = normalise_text(note)[:200]
    if method == PaymentMethod.BANK:
        grant.bank_name = grant.archive.bank_name
        grant.bank_account = grant.archive.bank_account
        grant.bank_account_last4 = grant.archive.bank_account_last4
    grant.version = F("version") + 1
    grant.save()
    grant.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=grant.org,
        obj=grant,
        detail={"what": "grant_disburse", "method": method, "amount": str(grant.amount)},
    )
    return grant


@transaction.atomic
def grant_cancel(*, actor, grant: Grant, reason: str) -> Grant:
    """Cancel a pending or approved grant (an approved one releases its budget). A paid
    grant cannot be cancelled."""
    grant = _locked_grant(actor, grant)
    reason = normalise_text(reason)
    if not reason:
        raise ValidationFailed("请填写取消原因。", fields={"reason": ["请填写取消原因。"]})
    if grant.status in (GrantStatus.DISBURSED, GrantStatus.CANCELLED):
        raise Conflict(f"该发放为“{grant.get_status_display()}”，不能取消。")
    may_approve = _in_scope(actor, Action.APPROVE, grant.budget.org)
    if grant.status == GrantStatus.APPROVED and not may_approve:
        raise PermissionDenied("已审批的发放须由有审批权限的工作人员取消。")
    if grant.status == GrantStatus.PROPOSED and not (
        may_approve or _in_scope(actor, Action.EDIT, grant.org)
    ):
        raise NotFound()
    if grant.status == GrantStatus.APPROVED:
        ProgrammeBudget.objects.select_for_update().filter(pk=grant.budget_id).first()
        ProgrammeBudget.objects.filter(pk=grant.budget_id).update(
            committed=F("committed") - grant.amount, version=F("version") + 1
        )
    before = grant.status
    grant.status = GrantStatus.CANCELLED
    grant.cancelled_on = today()
    grant.cancelled_by = _user(actor)
    grant.cancel_reason = reason[:200]
    grant.version = F("version") + 1
    grant.save()
    grant.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=grant.org,
        obj=grant,
        detail={"what": "grant_cancel", "from": before},
    )
    return grant


def committed_total(budget: ProgrammeBudget):
    """Recomputed from the grants (for checks; `committed` is the maintained figure)."""
    return (
        budget.grants.filter(status__in=(GrantStatus.APPROVED, GrantStatus.DISBURSED)).aggregate(
            s=Sum("amount")
        )["s"]
        or 0
    )
