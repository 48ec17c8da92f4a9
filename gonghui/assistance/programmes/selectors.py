"""Reads of programmes and grants, through the user's scope (module `assistance`).

A programme is visible to a user whose scope holds its owning org or one of its budget
rows (a township that received an allocation sees the county's programme). Grants follow
their household: visible where the archive is.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404

from gonghui.assistance.archives.selectors import archive_scoped
from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.models import (
    Grant,
    HardshipArchive,
    Programme,
    ProgrammeBudget,
    ProgrammeRule,
)
from gonghui.assistance.programmes.models import GrantStatus
from gonghui.assistance.programmes.rules import Candidate, describe_amount, describe_eligibility
from gonghui.assistance.programmes.services import household_candidates, need_key, rule_current
from gonghui.core.modules import Action
from gonghui.core.scope import in_subtree, scope_queryset, scope_roots
from gonghui.orgs.models import Org

MODULE = "assistance"
ELIGIBLE_CAP = 1000


def programme_scoped(user, action: str = Action.VIEW) -> QuerySet[Programme]:
    owned = scope_queryset(Programme.objects.all(), user, MODULE, action).values("id")
    funded = scope_queryset(ProgrammeBudget.objects.all(), user, MODULE, action).values(
        "programme_id"
    )
    return Programme.objects.filter(Q(pk__in=owned) | Q(pk__in=funded))


def programme_list(
    user, *, year: int | None = None, kind: str = "", status: str = "", org: Org | None = None
) -> QuerySet[Programme]:
    """`org`: the programmes with grants to households of its subtree (what
    assistance.aid.paid counts, by the grant's org), one EXISTS per list."""
    programmes = programme_scoped(user).select_related("org")
    if org is not None:
        grants = in_subtree(Grant.objects.filter(programme=OuterRef("pk")), org)
        programmes = programmes.filter(Exists(grants))
    if year:
        programmes = programmes.filter(year=year)
    if kind:
        programmes = programmes.filter(kind=kind)
    if status:
        programmes = programmes.filter(status=status)
    return programmes.order_by("-year", "-id")


def programme_get(user, pk, action: str = Action.VIEW) -> Programme:
    programme = programme_scoped(user, action).select_related("org").filter(pk=pk).first()
    if programme is None:
        raise Http404
    return programme


def rule_text(rule: ProgrammeRule) -> dict:
    return {
        "rule": rule,
        "eligibility": describe_eligibility(rule.eligibility),
        "amount": describe_amount(rule.amount),
    }


def budgets_visible(user, programme: Programme) -> list[ProgrammeBudget]:
    """The root row and the rows inside the user's scope."""
    visible = scope_queryset(programme.budgets.all(), user, MODULE, Action.VIEW).values("id")
    return list(
        programme.budgets.filter(Q(parent__isnull=True) | Q(pk__in=visible))
        .select_related("org")
        .order_by("org__path")
    )


def grants_scoped(user, action: str = Action.VIEW) -> QuerySet[Grant]:
    return scope_queryset(Grant.objects.all(), user, MODULE, action)


def grant_list(
    user,
    *,
    programme: Programme | None = None,
    status: str = "",
    q: str = "",
    archive: HardshipArchive | None = None,
) -> QuerySet[Grant]:
    grants = grants_scoped(user).select_related(
        "archive", "programme", "org", "budget__org", "household_member"
    )
    if programme is not None:
        grants = grants.filter(programme=programme)
    if archive is not None:
        grants = grants.filter(archive=archive)
    if status in GrantStatus.values:
        grants = grants.filter(status=status)
    if q:
        grants = grants.filter(archive__name__contains=q.strip())
    return grants.order_by("-id")


def grant_get(user, pk, action: str = Action.VIEW) -> Grant:
    grant = (
        grants_scoped(user, action)
        .select_related("archive", "programme__org", "org", "budget__org", "rule")
        .filter(pk=pk)
        .first()
    )
    if grant is None:
        raise Http404
    return grant


def aid_history(user, archive: HardshipArchive) -> list[Grant]:
    """Every grant of the household (the archive is already in the user's scope)."""
    return list(
        grants_scoped(user)
        .filter(archive=archive)
        .select_related("programme", "household_member", "budget__org")
        .order_by("-proposed_on", "-id")
    )


@dataclass
class EligibleRow:
    archive: HardshipArchive
    candidate: Candidate
    need_key: str
    earlier: Grant | None

    @property
    def value(self) -> str:
        return f"{self.archive.pk}:{self.candidate.subject}"


def programme_eligible(
    user, programme: Programme, *, q: str = "", org: Org | None = None, include_paid=False
) -> list[EligibleRow]:
    """Archived households in the user's edit scope and under the programme's owning org,
    each need the current rule pays for, with the amount and reason; needs already granted
    (in any programme) are left out unless `include_paid`."""
    rule = rule_current(programme)
    archives = (
        archive_scoped(user, Action.EDIT)
        .filter(
            status=ArchiveStatus.ARCHIVED,
            org__in=Org.objects.filter(path__startswith=programme.org.path).values("id"),
        )
        .select_related("org")
        .prefetch_related("household_members")
        .order_by("org__path", "id")
    )
    if org is not None:
        archives = archives.filter(
            org__in=Org.objects.filter(path__startswith=org.path).values("id")
        )
    if q:
        archives = archives.filter(name__contains=q.strip())
    rows = []
    for archive in archives[:ELIGIBLE_CAP]:
        for candidate in household_candidates(programme, archive, rule=rule):
            rows.append(
                EligibleRow(
                    archive, candidate, need_key(programme, rule, archive.pk, candidate), None
                )
            )
    taken = {
        g.need_key: g
        for g in Grant.objects.exclude(status=GrantStatus.CANCELLED)
        .filter(need_key__in=[r.need_key for r in rows])
        .select_related("programme")
    }
    for row in rows:
        row.earlier = taken.get(row.need_key)
    return [r for r in rows if include_paid or r.earlier is None]


def programme_totals(user, programme: Programme) -> dict:
    """Grant counts and sums by status, within the user's scope."""
    rows = (
        grants_scoped(user)
        .filter(programme=programme)
        .values("status")
        .annotate(n=Count("id"), total=Sum("amount"))
    )
    totals = {s: {"n": 0, "total": Decimal(0)} for s in GrantStatus.values}
    for row in rows:
        totals[row["status"]] = {"n": row["n"], "total": row["total"] or Decimal(0)}
    return totals


def aid_paid_stats(user, *, year: int) -> dict:
    """Aid paid (disbursed grants, by disbursement date) in a year, within the user's view
    scope, by programme and by org. Shape:

    {
      "year": 2026,
      "total": Decimal, "count": int, "households": int,
      "by_programme": [{"programme_id", "name", "kind", "kind_display", "org_id", "org_name",
                        "amount", "count"}],                    # largest amount first
      "by_org": [{"org_id", "org_name", "amount", "count"}],    # the household's union
      "by_paying_org": [{"org_id", "org_name", "amount", "count"}],  # the budget holder
    }
    """
    from gonghui.assistance.programmes.models import ProgrammeKind

    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    paid = grants_scoped(user).filter(
        status=GrantStatus.DISBURSED, disbursed_on__gte=start, disbursed_on__lte=end
    )
    overall = paid.aggregate(total=Sum("amount"), n=Count("id"), h=Count("archive", distinct=True))
    by_programme = [
        {
            "programme_id": r["programme_id"],
            "name": r["programme__name"],
            "kind": r["programme__kind"],
            "kind_display": ProgrammeKind(r["programme__kind"]).label,
            "org_id": r["programme__org_id"],
            "org_name": r["programme__org__name"],
            "amount": r["amount"],
            "count": r["count"],
        }
        for r in paid.values(
            "programme_id",
            "programme__name",
            "programme__kind",
            "programme__org_id",
            "programme__org__name",
        )
        .annotate(amount=Sum("amount"), count=Count("id"))
        .order_by("-amount", "programme_id")
    ]

    def grouped(field: str) -> list[dict]:
        return [
            {
                "org_id": r[field],
                "org_name": r[f"{field}__name"],
                "amount": r["amount"],
                "count": r["count"],
            }
            for r in paid.values(field, f"{field}__name")
            .annotate(amount=Sum("amount"), count=Count("id"))
            .order_by("-amount", field)
        ]

    return {
        "year": year,
        "total": overall["total"] or Decimal(0),
        "count": overall["n"],
        "households": overall["h"],
        "by_programme": by_programme,
        "by_org": grouped("org"),
        "by_paying_org": grouped("budget__org"),
    }


def approvable_roots(user) -> list:
    return scope_roots(user, MODULE, Action.APPROVE)
