"""Writes to programmes: create, rules (a new version row each time), budget allocations, close.

Keyword-only, atomic, scope-checked (module `assistance`), audited. Budget rows change only
under `select_for_update`; a sub-allocation is carved out of its parent row (`allocated`),
so each row's own invariant `committed + allocated ≤ amount` is all there is to keep.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import F

from gonghui.assistance.category import money
from gonghui.assistance.models import Programme, ProgrammeBudget, ProgrammeRule
from gonghui.assistance.models.programmes import ProgrammeKind, ProgrammeStatus
from gonghui.assistance.programme_rules import DEFAULT_RULES, rule_clean
from gonghui.assistance.standards import today
from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
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
