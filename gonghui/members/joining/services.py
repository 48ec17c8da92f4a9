"""Online joining (网上入会, DESIGN §4): the public application, status check and staff review.

Two paths: the employer has a union (EMPLOYER_UNION → the employer's union reviews), or no union
or no clear employer (HOLDING_POOL → the chosen township/street union reviews). One pending
application per ID number (a partial unique constraint backs this up); an active member cannot
apply; a rejected applicant may apply again. Submissions are rate-limited per IP and per ID
number by counting recent rows; attempts and status checks by gonghui.core.ratelimit.

The public side never says which union someone already belongs to, and a status check whose
phone does not match answers exactly like an unknown ID number.
"""

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from gonghui.audit.services import AuditAction, AuditResult, audit_record
from gonghui.core.crypto import keyed_hash
from gonghui.core.errors import Conflict, NotFound, ServiceError, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.ratelimit import hit_over_limit
from gonghui.core.scope import (
    get_in_scope_or_404,
    in_dates,
    in_subtree,
    org_in_scope,
    scope_queryset,
)
from gonghui.core.text import normalise_text
from gonghui.members import services
from gonghui.members.idnumber import IdNumberError, id_number_clean, phone_clean
from gonghui.members.models import (
    EmploymentForm,
    JoinApplication,
    JoinPath,
    JoinStatus,
    Member,
    MemberStatus,
)
from gonghui.orgs.models import (
    Enterprise,
    EnterpriseStatus,
    Org,
    OrgStatus,
    township_q,
)

MODULE = "members"

# Rate limits (per rolling window).
SUBMIT_PER_IP = 5  # applications per IP per hour
SUBMIT_PER_IP_WINDOW = datetime.timedelta(hours=1)
SUBMIT_PER_ID = 3  # applications per ID number per day
SUBMIT_PER_ID_WINDOW = datetime.timedelta(days=1)
SUBMIT_ATTEMPTS_PER_IP = 30  # submissions incl. refused ones per IP per hour (stops ID probing)
STATUS_PER_IP = 20  # status checks per IP per hour
STATUS_PER_ID = 10  # status checks per ID number per hour
STATUS_WINDOW_SECONDS = 3600
EMPLOYER_SEARCH_LIMIT = 10

ALREADY_MEMBER = "您已是工会会员，无需重复申请入会。如需转到其他工会，请联系所在工会办理会籍转移。"
ALREADY_PENDING = "该身份证号已有一份待审核的入会申请，请耐心等待审核，可通过“查询进度”查看。"
TOO_MANY = "提交过于频繁，请稍后再试。"
TOO_MANY_ID = "该身份证号今日提交次数过多，请明天再试。"
STATUS_TOO_MANY = "查询过于频繁，请一小时后再试。"
STATUS_NOT_FOUND = "未查到与该身份证号和手机号对应的入会申请，请核对后重试。"
EMPLOYER_NOT_FOUND = (
    "未找到该单位工会，请输入单位全称或统一社会信用代码后从搜索结果中选择；"
    "如单位未建会，请选择“单位未建会/无固定单位”。"
)


class RateLimited(ServiceError):
    code = "rate_limited"
    status = 429


# --- selectors ------------------------------------------------------------------------


def employers_with_union() -> QuerySet[Enterprise]:
    """Employers an applicant may choose: active, with a union (its own or the covering org)."""
    return Enterprise.objects.filter(
        has_union=True, status=EnterpriseStatus.ACTIVE, org__status=OrgStatus.ACTIVE
    ).filter(Q(union__isnull=True) | Q(union__status=OrgStatus.ACTIVE))


CREDIT_CODE_TAIL = 6


def employer_area(employer: Enterprise) -> str:
    """Where an employer is, as a worker knows it: the 乡镇(街道) of its covering union,
    else that union's name."""
    org = employer.org
    anchor = org.anchor if org.anchor_id else None
    if org.is_township:
        return org.name
    if anchor is not None and anchor.is_township:
        return anchor.name
    return org.name


def employer_search(q: str, limit: int = EMPLOYER_SEARCH_LIMIT) -> list[dict]:
    """Public search by name (contains) or credit code (prefix); no personal data. Two
    employers of the same name tell apart by area and the tail of the credit code
    (`label`, what the page shows)."""
    q = normalise_text(q).replace(" ", "")
    if len(q) < 2:
        return []
    upper = q.upper()
    found = (
        employers_with_union()
        .filter(Q(name__contains=q) | Q(credit_code__startswith=upper))
        .select_related("org", "org__anchor")
        .only(
            "id",
            "name",
            "credit_code",
            "org__name",
            "org__level",
            "org__type",
            "org__anchor_id",
            "org__anchor__name",
            "org__anchor__level",
            "org__anchor__type",
        )
        .order_by("name", "id")[:limit]
    )
    results = []
    for e in found:
        area, tail = employer_area(e), e.credit_code[-CREDIT_CODE_TAIL:]
        results.append(
            {
                "id": e.pk,
                "name": e.name,
                "credit_code": e.credit_code,
                "area": area,
                "credit_code_tail": tail,
                "label": f"{e.name}（{area} · 信用代码尾号 {tail}）",
            }
        )
    return results


def employer_resolve(pk=None, query: str = "") -> Enterprise | None:
    """The chosen employer by id, else a unique exact credit code or name match."""
    employers = employers_with_union().select_related("union", "org")
    if pk:
        try:
            return employers.get(pk=int(pk))
        except (ValueError, TypeError, Enterprise.DoesNotExist):
            return None
    query = normalise_text(query).replace(" ", "")
    if not query:
        return None
    matches = list(employers.filter(Q(credit_code=query.upper()) | Q(name=query))[:2])
    return matches[0] if len(matches) == 1 else None


def reviewing_union_for(employer: Enterprise) -> Org:
    return employer.union if employer.union_id else employer.org


def holding_pool_orgs() -> QuerySet[Org]:
    """Township/street (and park) unions that hold the pool for workers without a union."""
    return Org.objects.filter(township_q(), status=OrgStatus.ACTIVE).order_by("code")


def application_scoped(user, action: str = Action.APPROVE) -> QuerySet[JoinApplication]:
    return scope_queryset(JoinApplication.objects.all(), user, MODULE, action)


# The dates the review queue's date range can apply to (`dated`), the first the default.
APPLICATION_DATED = {"created": "提交时间", "reviewed": "审核时间"}
# Status choices beyond JoinStatus: both decisions (what members.joins_reviewed counts).
REVIEWED_STATUS = ("reviewed", "已审核(通过或未通过)")


def application_list(
    user,
    *,
    status: str = "",
    path: str = "",
    q: str = "",
    org: Org | None = None,
    dated: str = "created",
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    action: str = Action.VIEW,
) -> QuerySet[JoinApplication]:
    """The review queue: applications to unions in the user's scope for `action` (`org`:
    to the unions of its subtree). `status` "reviewed": approved or rejected (what
    members.joins_reviewed counts); `dated` (APPLICATION_DATED), `date_from`/`date_to`:
    submitted or reviewed on those days (Asia/Shanghai)."""
    apps = (
        in_subtree(application_scoped(user, action), org)
        .select_related("org", "employer")
        .defer("id_number", "phone")
    )
    if status in JoinStatus.values:
        apps = apps.filter(status=status)
    elif status == "reviewed":
        apps = apps.filter(status__in=(JoinStatus.APPROVED, JoinStatus.REJECTED))
    field = "reviewed_at" if dated == "reviewed" else "created_at"
    apps = in_dates(apps, field, date_from, date_to)
    if path in JoinPath.values:
        apps = apps.filter(path=path)
    q = normalise_text(q).replace(" ", "")
    if q:
        apps = apps.filter(name__contains=q)
    return apps.order_by("-id")


def application_get(user, pk, action: str = Action.APPROVE) -> JoinApplication:
    return get_in_scope_or_404(
        JoinApplication.objects.select_related("org", "employer", "member", "reviewed_by"),
        user,
        MODULE,
        action,
        pk=pk,
    )


@dataclass(frozen=True)
class StatusView:
    """What the public status page may show: nothing more."""

    status: str
    status_label: str
    union_name: str
    reject_reason: str
    submitted_at: datetime.datetime


def _hit(key: str, limit: int) -> bool:
    return hit_over_limit(key, limit, STATUS_WINDOW_SECONDS)


def application_status_check(*, id_number: str, phone: str, ip: str | None) -> StatusView:
    """The latest application for ID number + phone. Raises ValidationFailed, RateLimited,
    NotFound (the same answer whether the ID is unknown or the phone does not match)."""
    fields: dict[str, list[str]] = {}
    try:
        number = id_number_clean(id_number).number
    except IdNumberError as exc:
        fields["id_number"] = [str(exc)]
        number = ""
    try:
        phone = phone_clean(phone)
    except ValueError as exc:
        fields["phone"] = [str(exc)]
    else:
        if not phone:
            fields["phone"] = ["请填写手机号码。"]
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)
    id_hash = keyed_hash(number)
    over_ip = ip is not None and _hit(f"join-status-ip:{ip}", STATUS_PER_IP)
    over_id = _hit(f"join-status-id:{id_hash}", STATUS_PER_ID)
    if over_ip or over_id:
        raise RateLimited(STATUS_TOO_MANY)
    app = (
        JoinApplication.objects.filter(id_number_hash=id_hash, phone_hash=keyed_hash(phone))
        .select_related("org")
        .order_by("-id")
        .first()
    )
    if app is None:
        raise NotFound(STATUS_NOT_FOUND)
    return StatusView(
        status=app.status,
        status_label=app.get_status_display(),
        union_name=app.org.name,
        reject_reason=app.reject_reason if app.status == JoinStatus.REJECTED else "",
        submitted_at=app.created_at,
    )


# --- services -------------------------------------------------------------------------


def _check_rate(ip: str | None, id_hash: str | None) -> None:
    now = timezone.now()
    if ip:
        recent = JoinApplication.objects.filter(
            submitted_ip=ip, created_at__gte=now - SUBMIT_PER_IP_WINDOW
        ).count()
        if recent >= SUBMIT_PER_IP:
            raise RateLimited(TOO_MANY)
    if id_hash:
        recent = JoinApplication.objects.filter(
            id_number_hash=id_hash, created_at__gte=now - SUBMIT_PER_ID_WINDOW
        ).count()
        if recent >= SUBMIT_PER_ID:
            raise RateLimited(TOO_MANY_ID)


def application_submit(
    *,
    name: str,
    id_number: str,
    phone: str,
    employment_form: str,
    path: str,
    employer_id=None,
    employer_query: str = "",
    pool_org_id=None,
    ip: str | None = None,
) -> JoinApplication:
    """A worker's public application. Raises ValidationFailed (field messages) or RateLimited.

    The attempt is counted before the transaction opens, so that refused attempts count too
    (a counter written inside it would be rolled back with a refusal)."""
    _check_rate(ip, None)
    if ip is not None and _hit(f"join-submit-ip:{ip}", SUBMIT_ATTEMPTS_PER_IP):
        raise RateLimited(TOO_MANY)
    return _application_create(
        name=name,
        id_number=id_number,
        phone=phone,
        employment_form=employment_form,
        path=path,
        employer_id=employer_id,
        employer_query=employer_query,
        pool_org_id=pool_org_id,
        ip=ip,
    )


@transaction.atomic
def _application_create(
    *,
    name: str,
    id_number: str,
    phone: str,
    employment_form: str,
    path: str,
    employer_id,
    employer_query: str,
    pool_org_id,
    ip: str | None,
) -> JoinApplication:
    fields: dict[str, list[str]] = {}
    name = normalise_text(name)
    if not name:
        fields["name"] = ["请填写姓名。"]
    elif len(name) > 50:
        fields["name"] = ["姓名不能超过 50 个字。"]
    info = None
    try:
        info = id_number_clean(id_number)
    except IdNumberError as exc:
        fields["id_number"] = [str(exc)]
    try:
        phone = phone_clean(phone)
    except ValueError as exc:
        fields["phone"] = [str(exc)]
    else:
        if not phone:
            fields["phone"] = ["请填写手机号码，审核结果查询需要用到。"]
    if employment_form not in EmploymentForm.values:
        fields["employment_form"] = ["请选择就业形态。"]
    employer, org = None, None
    if path == JoinPath.EMPLOYER_UNION:
        employer = employer_resolve(employer_id, employer_query)
        if employer is None:
            fields["employer_query"] = [EMPLOYER_NOT_FOUND]
        else:
            org = reviewing_union_for(employer)
    elif path == JoinPath.HOLDING_POOL:
        try:
            org = holding_pool_orgs().get(pk=int(pool_org_id or 0))
        except (ValueError, TypeError, Org.DoesNotExist):
            fields["pool_org"] = ["请选择您工作或居住地所在的乡镇(街道)工会。"]
    else:
        fields["path"] = ["请选择入会途径。"]
    if info is not None:
        id_hash = keyed_hash(info.number)
        _check_rate(None, id_hash)
        if Member.objects.filter(id_number_hash=id_hash, status=MemberStatus.ACTIVE).exists():
            fields["id_number"] = [ALREADY_MEMBER]
        elif JoinApplication.objects.filter(
            id_number_hash=id_hash, status=JoinStatus.PENDING
        ).exists():
            fields["id_number"] = [ALREADY_PENDING]
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)
    app = JoinApplication(
        org=org,
        path=path,
        name=name,
        gender=info.gender,
        birth_date=info.birth_date,
        id_number=info.number,
        id_number_hash=keyed_hash(info.number),
        phone=phone,
        phone_hash=keyed_hash(phone),
        employment_form=employment_form,
        employer=employer,
        employer_name=employer.name if employer else "",
        submitted_ip=ip,
    )
    try:
        with transaction.atomic():
            app.save()
    except IntegrityError as exc:  # a concurrent pending application for the same ID won
        raise ValidationFailed(ALREADY_PENDING, fields={"id_number": [ALREADY_PENDING]}) from exc
    audit_record(
        action=AuditAction.CREATED,
        org=org,
        obj=app,
        ip=ip,
        username="网上入会",
        detail={"path": path},
    )
    return app


def _locked_for_review(actor, app: JoinApplication) -> JoinApplication:
    locked = (
        JoinApplication.objects.select_for_update(of=("self",))
        .select_related("org", "employer")
        .get(pk=app.pk)
    )
    if actor is not None and not org_in_scope(actor, MODULE, Action.APPROVE, locked.org):
        raise NotFound()
    if locked.status != JoinStatus.PENDING:
        raise Conflict(
            f"该申请已{locked.get_status_display()}，不能重复审核。", code="already_reviewed"
        )
    return locked


@transaction.atomic
def application_approve(*, actor, application: JoinApplication) -> Member:
    """Approve: register the member in the reviewing union (card issued) and link it."""
    app = _locked_for_review(actor, application)
    employer = app.employer
    if (
        employer is not None
        and actor is not None
        and not (
            scope_queryset(Enterprise.objects.all(), actor, "orgs", Action.VIEW)
            .filter(pk=employer.pk)
            .exists()
        )
    ):
        employer = None  # member_register only accepts employers the reviewer may see
    # An employer the worker typed (or one the reviewer may not see) stays as text on the
    # member, to be linked later (信息待补全), instead of being lost.
    employer_name = (
        "" if employer is not None else (app.employer_name or getattr(app.employer, "name", ""))
    )
    member = services.member_register(
        actor=actor,
        org=app.org,
        name=app.name,
        id_number=app.id_number,
        phone=app.phone,
        gender=app.gender,
        birth_date=app.birth_date,
        employer=employer,
        employer_name=employer_name,
        employment_form=app.employment_form,
        joined_on=datetime.date.today(),
    )
    app.status = JoinStatus.APPROVED
    app.member = member
    app.reviewed_by = actor
    app.reviewed_at = timezone.now()
    app.save(update_fields=["status", "member", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(
        action=AuditAction.APPROVED,
        user=actor,
        org=app.org,
        obj=app,
        detail={"decision": "approved", "member_id": member.pk, "card_number": member.card_number},
    )
    return member


@transaction.atomic
def application_reject(*, actor, application: JoinApplication, reason: str) -> JoinApplication:
    """Reject with a reason the applicant will see; they may apply again."""
    reason = normalise_text(reason)
    if not reason:
        raise ValidationFailed("请填写未通过原因。", fields={"reason": ["请填写未通过原因。"]})
    app = _locked_for_review(actor, application)
    app.status = JoinStatus.REJECTED
    app.reject_reason = reason[:200]
    app.reviewed_by = actor
    app.reviewed_at = timezone.now()
    app.save(update_fields=["status", "reject_reason", "reviewed_by", "reviewed_at", "updated_at"])
    audit_record(
        action=AuditAction.APPROVED,
        user=actor,
        org=app.org,
        obj=app,
        result=AuditResult.FAILURE,
        detail={"decision": "rejected", "reason": app.reject_reason},
    )
    return app
