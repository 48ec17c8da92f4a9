"""Reads of the staffing module, every one scoped to the user (gonghui.core.scope)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Sum

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, scope_queryset
from gonghui.orgs.models import Org, OrgLevel
from gonghui.staffing.models import (
    Appraisal,
    AppraisalKind,
    AppraisalResult,
    AppraisalStatus,
    Objection,
    PayGrade,
    Post,
    Rating,
    SocialWorker,
    StaffingScheme,
    Training,
    WorkerStatus,
)
from gonghui.staffing.rules import q2

MODULE = "staffing"
CONTRACT_WARNING_DAYS = 60
ANONYMOUS_MIN = 3  # worker ratings before their mean shows on screen


def county_of(org: Org) -> Org | None:
    """The county federation above (or at) an org; None above county level."""
    if org.level == OrgLevel.COUNTY:
        return org
    return Org.objects.filter(pk__in=org.ancestor_ids(), level=OrgLevel.COUNTY).first()


def scheme_for(org: Org) -> StaffingScheme:
    """The county's rules for an org's social workers; the defaults (unsaved) when the
    county has not set its own."""
    county = county_of(org) or org
    scheme = StaffingScheme.objects.filter(org=county).first()
    return scheme or StaffingScheme(org=county)


def pay_table(county: Org) -> dict[tuple[int, int], PayGrade]:
    return {(p.grade, p.band): p for p in PayGrade.objects.filter(org=county)}


# --- workers ------------------------------------------------------------------------------


def worker_list(
    user,
    *,
    q: str = "",
    status: str = "",
    org: Org | None = None,
    contract: str = "",
    today: dt.date | None = None,
    action: str = Action.VIEW,
) -> QuerySet[SocialWorker]:
    workers = scope_queryset(SocialWorker.objects.all(), user, MODULE, action).select_related(
        "org", "post"
    )
    if q:
        workers = workers.filter(Q(name__contains=q) | Q(agency__contains=q))
    if status:
        workers = workers.filter(status=status)
    if org is not None:
        workers = workers.filter(org__path__startswith=org.path)
    today = today or dt.date.today()
    if contract == "expiring":
        workers = workers.filter(
            status=WorkerStatus.ACTIVE,
            contract_end__lte=today + dt.timedelta(days=CONTRACT_WARNING_DAYS),
        )
    elif contract == "review":
        workers = workers.filter(contract_review=True)
    return workers.order_by("org__path", "name", "id")


def worker_get(user, pk: int, action: str = Action.VIEW) -> SocialWorker:
    return get_in_scope_or_404(
        SocialWorker.objects.select_related("org", "post", "user"), user, MODULE, action, pk=pk
    )


def worker_of_user(user) -> SocialWorker | None:
    """The worker record linked to a user account (their own), or None."""
    if user is None or not user.is_authenticated:
        return None
    return SocialWorker.objects.select_related("org").filter(user=user).first()


def training_hours(worker: SocialWorker, year: int):
    return (
        Training.objects.filter(worker=worker, day__year=year).aggregate(h=Sum("hours"))["h"] or 0
    )


def training_hours_by_worker(worker_ids, year: int) -> dict[int, object]:
    rows = (
        Training.objects.filter(worker_id__in=worker_ids, day__year=year)
        .values("worker_id")
        .annotate(h=Sum("hours"))
    )
    return {row["worker_id"]: row["h"] for row in rows}


# --- posts --------------------------------------------------------------------------------


def post_list(user, *, vacant: str = "", q: str = "") -> QuerySet[Post]:
    posts = scope_queryset(Post.objects.all(), user, MODULE, Action.VIEW).select_related("org")
    holder = SocialWorker.objects.filter(post=OuterRef("pk"), status=WorkerStatus.ACTIVE)
    posts = posts.annotate(held=Exists(holder)).prefetch_related(
        Prefetch("holder", queryset=SocialWorker.objects.only("id", "name", "post_id"))
    )
    if vacant == "1":
        posts = posts.filter(held=False, is_active=True)
    elif vacant == "0":
        posts = posts.filter(held=True)
    if q:
        posts = posts.filter(Q(name__contains=q) | Q(org__name__contains=q))
    return posts.order_by("org__path", "name", "id")


def post_get(user, pk: int, action: str = Action.VIEW) -> Post:
    return get_in_scope_or_404(Post.objects.select_related("org"), user, MODULE, action, pk=pk)


def vacant_posts(user, org: Org | None = None) -> QuerySet[Post]:
    posts = scope_queryset(Post.objects.all(), user, MODULE, Action.EDIT).filter(
        is_active=True, holder__isnull=True
    )
    if org is not None:
        posts = posts.filter(org__path__startswith=org.path)
    return posts.select_related("org")


# --- appraisals ---------------------------------------------------------------------------


def appraisal_list(
    user,
    *,
    q: str = "",
    kind: str = "",
    status: str = "",
    result: str = "",
    year: int | None = None,
    objection: str = "",
) -> QuerySet[Appraisal]:
    rows = scope_queryset(Appraisal.objects.all(), user, MODULE, Action.VIEW).select_related(
        "worker", "org"
    )
    if q:
        rows = rows.filter(worker__name__contains=q)
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if result:
        rows = rows.filter(result=result)
    if year:
        rows = rows.filter(year=year)
    if objection == "open":
        rows = rows.filter(objection__isnull=False, objection__answered_at__isnull=True)
    return rows.order_by("-period_end", "worker__name", "-id")


def appraisal_get(user, pk: int, action: str = Action.VIEW) -> Appraisal:
    return get_in_scope_or_404(
        Appraisal.objects.select_related("worker", "org"), user, MODULE, action, pk=pk
    )


def own_appraisals(user) -> QuerySet[Appraisal]:
    """A worker's own published appraisals (nothing for a user who is no worker)."""
    worker = worker_of_user(user)
    if worker is None:
        return Appraisal.objects.none()
    return Appraisal.objects.filter(worker=worker, status=AppraisalStatus.PUBLISHED).order_by(
        "-period_end", "-id"
    )


def own_appraisal_get(user, pk: int) -> Appraisal:
    from django.http import Http404

    appraisal = own_appraisals(user).select_related("worker").filter(pk=pk).first()
    if appraisal is None:
        raise Http404
    return appraisal


def rating_summary(appraisal: Appraisal) -> list[dict]:
    """Per rater group: how many rated and their mean. The workers' group is a tally only;
    its mean shows once at least ANONYMOUS_MIN workers rated, so a lone rating is not
    readable off the screen."""
    rows = (
        Rating.objects.filter(appraisal=appraisal)
        .values("group")
        .annotate(n=Count("id"), total=Sum("score"))
        .order_by("group")
    )
    summary = [
        {"group": row["group"], "count": row["n"], "mean": q2(row["total"] / row["n"])}
        for row in rows
    ]
    if appraisal.worker_ratings:
        shown = appraisal.worker_ratings >= ANONYMOUS_MIN
        summary.append(
            {
                "group": "workers",
                "count": appraisal.worker_ratings,
                "mean": q2(appraisal.worker_score_sum / appraisal.worker_ratings)
                if shown
                else None,
            }
        )
    return summary


def named_ratings(appraisal: Appraisal) -> QuerySet[Rating]:
    """The ratings by named raters (chair, deputy, supervisor)."""
    return (
        Rating.objects.filter(appraisal=appraisal).select_related("rater").order_by("group", "id")
    )


def objection_of(appraisal: Appraisal) -> Objection | None:
    return Objection.objects.filter(appraisal=appraisal).select_related("answered_by").first()


def unfit_count(worker: SocialWorker, year: int) -> int:
    return Appraisal.objects.filter(
        worker=worker,
        status=AppraisalStatus.PUBLISHED,
        result=AppraisalResult.UNFIT,
        period_end__year=year,
    ).count()


def yearly_results(worker_ids) -> dict[int, list[tuple[int, str]]]:
    """Each worker's published yearly results, newest first: {worker_id: [(year, result)]}."""
    found: dict[int, list[tuple[int, str]]] = {}
    rows = (
        Appraisal.objects.filter(
            worker_id__in=worker_ids, kind=AppraisalKind.YEAR, status=AppraisalStatus.PUBLISHED
        )
        .order_by("worker_id", "-year")
        .values_list("worker_id", "year", "result")
    )
    for worker_id, year, result in rows:
        found.setdefault(worker_id, []).append((year, result))
    return found


def latest_results(worker_ids, before: dt.date) -> dict[int, str]:
    """Each worker's latest published result (any kind) of a period ended before `before`."""
    rows = (
        Appraisal.objects.filter(
            worker_id__in=worker_ids, status=AppraisalStatus.PUBLISHED, period_end__lt=before
        )
        .order_by("worker_id", "-period_end", "-kind")
        .values_list("worker_id", "result")
    )
    found: dict[int, str] = {}
    for worker_id, result in rows:
        found.setdefault(worker_id, result)
    return found


def counties_in_scope(user, action: str = Action.VIEW) -> QuerySet[Org]:
    return scope_queryset(Org.objects.all(), user, MODULE, action, org_field="").filter(
        level=OrgLevel.COUNTY
    )


# --- pay sheet and promotion ------------------------------------------------------------------


@dataclass(frozen=True)
class PayRow:
    worker: SocialWorker
    result: str
    pay: object  # rules.Pay
    missing_cell: bool


def pay_sheet(user, county: Org, month: dt.date, action: str = Action.VIEW) -> list[PayRow]:
    """The month's pay of every worker in scope under the county: grade-and-band pay from
    the county's table plus the bonus of the latest appraisal published before the month."""
    from gonghui.staffing import rules

    scheme = scheme_for(county)
    table = pay_table(county)
    workers = list(
        worker_list(user, status=WorkerStatus.ACTIVE, org=county, action=action).filter(
            hired_on__lte=month
        )
    )
    results = latest_results([w.pk for w in workers], month)
    rows = []
    for worker in workers:
        cell = table.get((worker.grade, worker.band))
        result = results.get(worker.pk, "")
        bonus = scheme.bonus.get(result, 0) if result else 0
        base = cell.monthly_pay if cell else 0
        pay = rules.pay_for(base=base, bonus=bonus, county_share=worker.county_share)
        rows.append(PayRow(worker, result, pay, cell is None))
    return rows


@dataclass(frozen=True)
class Candidate:
    worker: SocialWorker
    years_in_band: float
    results: list  # [(year, result)] newest first
    step: str  # "band" 晋档 / "grade" 晋岗
    to_grade: int
    to_band: int
    evidence: list[str]


def promotion_candidates(user, county: Org, as_of: dt.date) -> list[Candidate]:
    """Workers the county's rules make eligible to move up a band (晋档), or recommended to
    move up a grade (晋岗) when their yearly results include 优秀 and their band is the top of
    their grade; each with the evidence the rules read."""
    from gonghui.staffing.models import Certificate

    scheme = scheme_for(county)
    table = pay_table(county)
    workers = list(worker_list(user, status=WorkerStatus.ACTIVE, org=county))
    yearly = yearly_results([w.pk for w in workers])
    good = {AppraisalResult.EXCELLENT, AppraisalResult.COMPETENT}
    labels = dict(AppraisalResult.choices)
    found = []
    for worker in workers:
        if worker.contract_review:
            continue  # two 不称职 this year: the contract is under review, not a promotion
        years = (as_of - worker.band_since).days / 365.25
        if years < scheme.promotion_years:
            continue
        if scheme.promotion_needs_certificate and not worker.certificates:
            continue
        recent = yearly.get(worker.pk, [])[: scheme.promotion_results]
        if len(recent) < scheme.promotion_results or any(r not in good for _y, r in recent):
            continue
        if (worker.grade, worker.band + 1) in table:
            step, to = "band", (worker.grade, worker.band + 1)
        elif (worker.grade + 1, 1) in table and any(
            r == AppraisalResult.EXCELLENT for _y, r in recent
        ):
            step, to = "grade", (worker.grade + 1, 1)
        else:
            continue
        certificates = dict(Certificate.choices)
        evidence = [
            f"现{worker.grade}岗{worker.band}档已 {years:.1f} 年(规则：满 {scheme.promotion_years} 年)",
            "职业资格：" + ("、".join(certificates.get(c, c) for c in worker.certificates) or "无"),
            "年度考核：" + ("、".join(f"{y}年{labels.get(r, r)}" for y, r in recent) or "不要求"),
        ]
        found.append(Candidate(worker, years, recent, step, to[0], to[1], evidence))
    return found


# --- statistics -------------------------------------------------------------------------------

STATS_COLUMNS = [
    ("staffing.posts", "社工岗位"),
    ("staffing.vacant_posts", "空缺岗位"),
    ("staffing.workers", "在岗社工"),
    ("staffing.training_records", "培训人次"),
    ("staffing.appraisals_published", "已公布考核"),
    ("staffing.appraisals_excellent", "优秀"),
    ("staffing.appraisals_competent", "称职"),
    ("staffing.appraisals_basic", "基本称职"),
    ("staffing.appraisals_unfit", "不称职"),
]


def stats_orgs(user) -> list[Org]:
    """The county and township-level orgs in the user's view scope (the rows of the table)."""
    return list(
        scope_queryset(Org.objects.all(), user, MODULE, Action.VIEW, org_field="")
        .filter(level__in=[OrgLevel.COUNTY, OrgLevel.TOWNSHIP], status="active")
        .order_by("path")
    )


def staffing_stats(user, year: int) -> list[tuple[Org, list]]:
    """Per org: every column read from the metric registry (one grouped query per measure),
    so the table always agrees with the measures the dashboard and plans read."""
    from gonghui.core import metrics

    orgs = stats_orgs(user)
    if not orgs:
        return []
    period = metrics.Period.year(year)
    figures = {
        code: metrics.measure_evaluate(user, code, orgs=orgs, period=period)
        for code, _label in STATS_COLUMNS
    }
    return [(org, [figures[code][org.pk].value for code, _ in STATS_COLUMNS]) for org in orgs]
