"""Writes to grants (帮扶发放): propose, approve in batch, disburse, cancel.

Money rules:
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

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F, Sum

from gonghui.assistance.category import money
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import Grant, HardshipArchive, Programme, ProgrammeBudget
from gonghui.assistance.models.programmes import (
    GrantStatus,
    PaymentMethod,
    ProgrammeKind,
    ProgrammeStatus,
)
from gonghui.assistance.programme_rules import (
    Candidate,
    HouseholdFacts,
    MedicalCost,
    Student,
    candidates,
)
from gonghui.assistance.programmes import budget_amount, nearest_budget, rule_current
from gonghui.assistance.standards import today
from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.core.text import normalise_text

MODULE = "assistance"
MAX_BATCH = 500
# Kinds whose needs are the same across programmes of that kind.
NEED_FAMILIES = {
    ProgrammeKind.WARMTH: "warmth",
    ProgrammeKind.SCHOOLING: "schooling",
    ProgrammeKind.MEDICAL: "medical",
    ProgrammeKind.LIVING: "living",
    ProgrammeKind.EMPLOYMENT: "employment",
}


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def _in_scope(actor, action: str, org) -> bool:
    return actor is None or org_in_scope(actor, MODULE, action, org)


# --- facts and needs ------------------------------------------------------------------------


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


# --- propose -----------------------------------------------------------------------------


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


# --- approve -----------------------------------------------------------------------------


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


# --- disburse and cancel -------------------------------------------------------------------


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
