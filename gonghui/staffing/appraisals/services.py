"""Writes of the appraisals: opening a period for many workers (the computed part in one
set-based pass), one-time rating links, named and anonymous ratings, publishing (result,
cut-offs, the two-不称职 rule), objections and answers. Scope-checked and audited; a
refusal writes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record, audit_record_many
from gonghui.core import metrics
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import (
    Conflict,
    ErrorCollector,
    NotFound,
    ServiceError,
    ValidationFailed,
)
from gonghui.core.modules import Action
from gonghui.core.ratelimit import hit_over_limit, ip_allowed
from gonghui.orgs.models import Org, OrgLevel
from gonghui.staffing.appraisals import rules, selectors
from gonghui.staffing.appraisals.models import (
    Appraisal,
    AppraisalKind,
    AppraisalResult,
    AppraisalStatus,
    Objection,
    RaterGroup,
    Rating,
    RatingInvite,
)
from gonghui.staffing.pay import selectors as pay_selectors
from gonghui.staffing.pay.models import StaffingScheme
from gonghui.staffing.people.models import SocialWorker, WorkerStatus
from gonghui.staffing.shared import int_in, require_scope, score_value

MAX_INVITES = 200


RATING_PAGE_HITS_PER_MINUTE = 30


class RateLimited(ServiceError):
    code = "rate_limited"
    status = 429


def rating_rate_check(ip: str | None) -> None:
    """Count one hit of the public rating page from this address (keyed hash: the address
    itself is not kept); RateLimited past the minute's limit."""
    if not ip or ip_allowed(ip):
        return
    if hit_over_limit(f"staffing-rate:{keyed_hash(f'ip:{ip}')}", RATING_PAGE_HITS_PER_MINUTE, 60):
        raise RateLimited("提交过于频繁。")


TOKEN_BYTES = 24


def period_of(kind: str, year: int, quarter: int | None) -> tuple[dt.date, dt.date]:
    """The dates of a year, or of quarter 1–4 of it."""
    if kind == AppraisalKind.YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if quarter not in (1, 2, 3, 4):
        raise ValidationFailed("请选择季度(1–4)。", fields={"quarter": ["请选择季度(1–4)。"]})
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


QUARTERS_PER_YEAR = 4


def measure_lines(
    scheme: StaffingScheme, orgs: Sequence[Org], period: metrics.Period, *, periods: int = 1
) -> dict[int, list[rules.MeasureLine]]:
    """The computed part's lines for many orgs at once: one grouped query per measure,
    whatever the number of orgs. Targets are per quarter (`periods` quarters: 4 for a
    year). Saving the rules refuses an unregistered measure, but one can leave the
    registry later (its module removed): it is kept as an evidence line marked not
    registered (未接入), with no count and its weight left out of the score."""
    lines: dict[int, list[rules.MeasureLine]] = {org.pk: [] for org in orgs}
    for target in scheme.targets:
        code = target["measure"]
        try:
            measure = metrics.measure_get(code)
        except metrics.MetricError:
            for org in orgs:
                lines[org.pk].append(
                    rules.MeasureLine(
                        measure=code,
                        name=code,
                        unit="",
                        count=0,
                        target=int(target["target"]) * periods,
                        weight=int(target["weight"]),
                        registered=False,
                    )
                )
            continue
        figures = metrics.evaluate(code, orgs=orgs, period=period)
        for org in orgs:
            value = figures[org.pk].value or 0
            url = measure.drilldown(org, period) if measure.drilldown else ""
            lines[org.pk].append(
                rules.MeasureLine(
                    measure=code,
                    name=measure.name,
                    unit=getattr(measure, "unit", ""),
                    count=int(value),
                    target=int(target["target"]) * periods,
                    weight=int(target["weight"]),
                    url=url,
                )
            )
    return lines


def _evidence(lines: list[rules.MeasureLine]) -> list[dict]:
    return [
        {
            "measure": line.measure,
            "name": line.name,
            "unit": line.unit,
            "count": line.count,
            "target": line.target,
            "weight": line.weight,
            "url": line.url,
            "registered": line.registered,
        }
        for line in lines
    ]


@transaction.atomic
def appraisals_open(
    *, actor, workers: Sequence[SocialWorker], kind: str, year: int, quarter: int | None = None
) -> list[Appraisal]:
    """Open the appraisal of a period for many workers: the computed part is evaluated for
    all their orgs in one set-based pass. Workers already appraised for the period are
    refused (nothing written)."""
    if kind not in AppraisalKind.values:
        raise ValidationFailed("请选择考核类型。", fields={"kind": ["请选择考核类型。"]})
    int_in(year, "year", "年度", 2000, 2100)
    quarter = int(quarter or 0) if kind == AppraisalKind.QUARTER else 0
    start, end = period_of(kind, int(year), quarter)
    workers = list(workers)
    if not workers:
        raise ValidationFailed("没有可考核的社工。")
    for worker in workers:
        require_scope(actor, worker.org)
        if worker.status != WorkerStatus.ACTIVE:
            raise ValidationFailed(f"{worker.name}已离职，不能考核。")
    taken = set(
        Appraisal.objects.filter(
            worker__in=workers, kind=kind, year=year, quarter=quarter
        ).values_list("worker__name", flat=True)
    )
    if taken:
        raise Conflict(f"{'、'.join(sorted(taken))}本期考核已开启，不能重复开启。")
    by_scheme: dict[int, tuple[StaffingScheme, list[SocialWorker]]] = {}
    schemes = _schemes_for([w.org for w in workers])
    for worker in workers:
        scheme = schemes[worker.org_id]
        by_scheme.setdefault(scheme.org_id, (scheme, []))[1].append(worker)
    period = metrics.Period(start, end)
    created = []
    for scheme, group in by_scheme.values():
        orgs = list({w.org_id: w.org for w in group}.values())
        periods = QUARTERS_PER_YEAR if kind == AppraisalKind.YEAR else 1
        lines = measure_lines(scheme, orgs, period, periods=periods)
        for worker in group:
            worker_lines = lines[worker.org_id]
            created.append(
                Appraisal(
                    org=worker.org,
                    org_anchor_id=worker.org.anchor_id,
                    worker=worker,
                    kind=kind,
                    year=year,
                    quarter=quarter,
                    period_start=start,
                    period_end=end,
                    evidence=_evidence(worker_lines),
                    computed_score=rules.computed_score(worker_lines),
                )
            )
    Appraisal.objects.bulk_create(created)
    # One event per appraisal, in bulk (the same detail audit_record would write).
    detail = {"what": "staffing_appraisal", "appraisal_kind": kind}
    audit_record_many(
        action=AuditAction.CREATED, user=actor, objects=created, detail_of=lambda a: detail
    )
    return created


def _schemes_for(orgs: Sequence[Org]) -> dict[int, StaffingScheme]:
    """{org id: its county's rules} for many orgs in two queries (defaults, unsaved, for a
    county without its own)."""
    ancestry = {org.pk: [*org.ancestor_ids(), org.pk] for org in orgs}
    wanted = {pk for ids in ancestry.values() for pk in ids}
    counties = {o.pk: o for o in Org.objects.filter(pk__in=wanted, level=OrgLevel.COUNTY)}
    saved = {s.org_id: s for s in StaffingScheme.objects.filter(org__in=list(counties))}
    found = {}
    for org in orgs:
        county_id = next((pk for pk in reversed(ancestry[org.pk]) if pk in counties), None)
        if county_id is None:
            found[org.pk] = StaffingScheme(org=org)
        else:
            found[org.pk] = saved.get(county_id) or StaffingScheme(org=counties[county_id])
    return found


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invites_issue(*, actor, appraisal: Appraisal, count: int) -> list[str]:
    """One-time links for anonymous worker ratings. The tokens are returned once and only
    their hashes kept; nobody is recorded as their recipient."""
    require_scope(actor, appraisal.org)
    if appraisal.status != AppraisalStatus.RATING:
        raise Conflict("考核已公布，不能再发放评议链接。")
    count = int_in(count, "count", "链接数量", 1, MAX_INVITES)
    tokens = [secrets.token_urlsafe(TOKEN_BYTES) for _ in range(count)]
    RatingInvite.objects.bulk_create(
        RatingInvite(appraisal=appraisal, token_hash=_token_hash(t)) for t in tokens
    )
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=appraisal,
        detail={"what": "staffing_rating", "invites": count},
    )
    return tokens


@transaction.atomic
def rating_submit(*, actor, appraisal: Appraisal, group: str, score) -> Rating:
    """A named rating (township chair, deputy chair, county supervisor). The same person
    rates an appraisal once."""
    require_scope(actor, appraisal.org)
    errors = ErrorCollector()
    if group not in RaterGroup.values or group == RaterGroup.WORKERS:
        errors.add("group", "请选择评议人类别(职工评议通过匿名链接进行)。")
    value = errors.check(score_value, score)
    errors.raise_if_any()
    if appraisal.status != AppraisalStatus.RATING:
        raise Conflict("考核已公布，不能再评议。")
    if appraisal.worker.user_id is not None and appraisal.worker.user_id == actor.pk:
        raise ValidationFailed("不能评议自己的考核。")
    if Rating.objects.filter(appraisal=appraisal, rater=actor).exists():
        raise Conflict("您已评议过这次考核，不能重复评议。")
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                appraisal=appraisal, group=group, rater=actor, score=value
            )
    except IntegrityError:
        raise Conflict("您已评议过这次考核，不能重复评议。") from None
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=appraisal,
        detail={"what": "staffing_rating", "rater_group": group, "rating_score": str(value)},
    )
    return rating


def invite_lookup(token: str) -> Appraisal:
    """The appraisal an unused one-time link rates; NotFound for a link unknown or used."""
    invite = (
        RatingInvite.objects.select_related("appraisal__worker", "appraisal__org")
        .filter(token_hash=_token_hash(token or ""), used=False)
        .first()
    )
    if invite is None or invite.appraisal.status != AppraisalStatus.RATING:
        raise NotFound("评议链接无效、已使用或评议已结束。")
    return invite.appraisal


@transaction.atomic
def rating_submit_anonymous(*, token: str, score) -> None:
    """A worker's anonymous rating through a one-time link. The link is spent and the score
    added to the appraisal's tally: no row of its own, no rater, no time, no link back; the
    audit event names the appraisal only (no score, no address), so no one — admins
    included — can tell who gave which score."""
    value = score_value(score)
    invite = (
        RatingInvite.objects.select_for_update()
        .select_related("appraisal")
        .filter(token_hash=_token_hash(token or ""), used=False)
        .first()
    )
    if invite is None or invite.appraisal.status != AppraisalStatus.RATING:
        raise Conflict("评议链接无效、已使用或评议已结束，每个链接只能评议一次。")
    invite.used = True
    invite.save(update_fields=["used"])
    Appraisal.objects.filter(pk=invite.appraisal_id).update(
        worker_ratings=F("worker_ratings") + 1, worker_score_sum=F("worker_score_sum") + value
    )
    audit_record(
        action=AuditAction.CREATED,
        obj=invite.appraisal,
        ip="",
        detail={"what": "staffing_anonymous_rating"},
    )


def rating_totals(appraisal: Appraisal) -> dict[str, tuple[Decimal, int]]:
    """{group: (sum, count)}: the named ratings and the workers' tally. A tally of fewer
    than ANONYMOUS_MIN worker ratings is left out (the other groups' weights rescaled):
    with the named scores on screen, the published rated part would give a lone worker's
    score — or, to one of two raters, the other's — away."""
    totals = rules.group_totals(list(appraisal.ratings.values_list("group", "score")))
    if appraisal.worker_ratings >= selectors.ANONYMOUS_MIN:
        totals[RaterGroup.WORKERS] = (appraisal.worker_score_sum, appraisal.worker_ratings)
    return totals


@transaction.atomic
def appraisal_publish(*, actor, appraisal: Appraisal, today: dt.date | None = None) -> Appraisal:
    """Fix the result: ratings weighted by the county's rules, the cut-offs give the grade;
    the objection period opens. A second 不称职 in the year flags the worker's contract."""
    require_scope(actor, appraisal.org, Action.APPROVE)
    appraisal = Appraisal.objects.select_for_update().select_related("worker").get(pk=appraisal.pk)
    if appraisal.status != AppraisalStatus.RATING:
        raise Conflict("考核已公布。")
    scheme = pay_selectors.scheme_for(appraisal.org)
    rated = rules.rated_score(scheme.rater_weights, rating_totals(appraisal))
    total = rules.total_score(appraisal.computed_score, rated, scheme.computed_share)
    today = today or timezone.localdate()
    appraisal.rated_score = rated
    appraisal.total = total
    appraisal.result = rules.result_for(
        total,
        excellent=scheme.cutoff_excellent,
        competent=scheme.cutoff_competent,
        basic=scheme.cutoff_basic,
    )
    appraisal.status = AppraisalStatus.PUBLISHED
    appraisal.published_at = timezone.now()
    appraisal.objection_until = today + dt.timedelta(days=scheme.objection_days)
    appraisal.save()
    RatingInvite.objects.filter(appraisal=appraisal, used=False).delete()
    audit_record(
        action=AuditAction.APPROVED,
        user=actor,
        obj=appraisal,
        detail={
            "what": "staffing_appraisal",
            "total_score": str(total),
            "appraisal_result": appraisal.result,
        },
    )
    _contract_review_check(actor, appraisal)
    return appraisal


def _contract_review_check(actor, appraisal: Appraisal) -> None:
    if appraisal.result != AppraisalResult.UNFIT:
        return
    worker = appraisal.worker
    year = appraisal.period_end.year
    if selectors.unfit_count(worker, year) >= 2 and not worker.contract_review:
        worker.contract_review = True
        worker.contract_review_reason = f"{year}年内两次考核不称职"
        worker.save(update_fields=["contract_review", "contract_review_reason", "updated_at"])
        audit_record(
            action=AuditAction.UPDATED,
            user=actor,
            obj=worker,
            detail={"what": "staffing_worker", "contract_review": True},
        )


@transaction.atomic
def objection_submit(
    *, actor, appraisal: Appraisal, text: str, today: dt.date | None = None
) -> Objection:
    """The worker objects to their own published appraisal, once, within the period."""
    if appraisal.worker.user_id is None or appraisal.worker.user_id != getattr(actor, "pk", None):
        raise NotFound()
    if appraisal.status != AppraisalStatus.PUBLISHED:
        raise NotFound()
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("请填写异议内容。", fields={"text": ["请填写异议内容。"]})
    if len(text) > 2000:
        raise ValidationFailed(
            "异议内容不超过 2000 字。", fields={"text": ["异议内容不超过 2000 字。"]}
        )
    today = today or timezone.localdate()
    if appraisal.objection_until is None or today > appraisal.objection_until:
        raise Conflict(f"异议期已于 {appraisal.objection_until} 结束，不能再提出异议。")
    if Objection.objects.filter(appraisal=appraisal).exists():
        raise Conflict("您已对这次考核提出过异议。")
    objection = Objection.objects.create(appraisal=appraisal, text=text)
    audit_record(
        action=AuditAction.CREATED,
        user=actor,
        obj=appraisal,
        detail={"what": "staffing_objection"},
    )
    return objection


@transaction.atomic
def objection_answer(*, actor, appraisal: Appraisal, answer: str) -> Objection:
    require_scope(actor, appraisal.org, Action.APPROVE)
    objection = Objection.objects.select_for_update().filter(appraisal=appraisal).first()
    if objection is None:
        raise NotFound("这次考核没有异议。")
    if objection.answered_at is not None:
        raise Conflict("异议已答复。")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed("请填写答复。", fields={"answer": ["请填写答复。"]})
    objection.answer = answer[:2000]
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        obj=appraisal,
        detail={"what": "staffing_objection_answer"},
    )
    return objection
