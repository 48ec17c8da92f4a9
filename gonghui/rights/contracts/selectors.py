"""Reads of collective contracts, in the user's rights scope."""

from django.db.models import Q, QuerySet

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, in_subtree, scope_queryset
from gonghui.rights.contracts.models import CollectiveContract, ContractStatus, in_force_q
from gonghui.rights.shared import MODULE, add_months, today

# The list's state filter: label and condition (given today).
STATES = {
    "in_force": "生效中",
    "expiring": "3 个月内到期",
    "to_file": "待报送",
    "filing_overdue": "逾期未报送",
    "in_review": "审查中",
    "expired": "已到期",
    "objected": "审查有异议",
    "terminated": "已终止",
}


def state_q(state: str, on) -> Q | None:
    live = (ContractStatus.SIGNED, ContractStatus.FILED, ContractStatus.EFFECTIVE)
    return {
        "in_force": in_force_q(on),
        "expiring": Q(status__in=live, end_on__gte=on, end_on__lte=add_months(on, 3)),
        "to_file": Q(status=ContractStatus.SIGNED),
        "filing_overdue": Q(status=ContractStatus.SIGNED, filing_due__lt=on),
        "in_review": Q(status=ContractStatus.FILED, effective_on__gt=on),
        "expired": Q(status__in=live, end_on__lt=on),
        "objected": Q(status=ContractStatus.OBJECTED),
        "terminated": Q(status=ContractStatus.TERMINATED),
    }.get(state)


def contract_scoped(user, action: str = Action.VIEW) -> QuerySet[CollectiveContract]:
    return scope_queryset(CollectiveContract.objects.all(), user, MODULE, action)


def contract_list(
    user,
    *,
    q: str = "",
    kind: str = "",
    state: str = "",
    township: int | None = None,
    org=None,
) -> QuerySet[CollectiveContract]:
    rows = contract_scoped(user).select_related("org", "enterprise").defer("text")
    if q:
        rows = rows.filter(
            Q(title__contains=q) | Q(enterprise__name__contains=q) | Q(employer_party__contains=q)
        )
    if kind:
        rows = rows.filter(kind=kind)
    condition = state_q(state, today()) if state else None
    if condition is not None:
        rows = rows.filter(condition)
    if township:
        rows = rows.filter(org_anchor_id=township)
    # `org`: the org's subtree (core.scope.in_subtree), e.g. a figure's drill-down.
    rows = in_subtree(rows, org)
    if state in {"expiring", "expired"}:
        return rows.order_by("end_on", "id")
    return rows.order_by("-id")


def contract_get(user, pk: int, action: str = Action.VIEW) -> CollectiveContract:
    return get_in_scope_or_404(
        CollectiveContract.objects.select_related("org", "enterprise", "previous"),
        user,
        MODULE,
        action,
        pk=pk,
    )


def contract_coverage(contract: CollectiveContract) -> list:
    from gonghui.orgs.models import Enterprise

    return list(
        Enterprise.objects.filter(pk__in=contract.coverage.values("enterprise_id"))
        .only("id", "name", "credit_code", "employee_count")
        .order_by("name")
    )
