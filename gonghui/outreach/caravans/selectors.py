"""Reads of caravans, stops, offers and registrations through the user's scope (module
`outreach`), and the few public reads the portal needs (upcoming stops, a registration by its
reference)."""

import datetime

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.modules import Action
from gonghui.core.scope import (
    get_in_scope_or_404,
    in_dates,
    in_subtree,
    scope_paths,
    scope_q,
    scope_queryset,
)
from gonghui.core.text import normalise_text
from gonghui.orgs.models import Org, OrgStatus, township_q
from gonghui.outreach.caravans.models import (
    Caravan,
    CaravanStatus,
    CaravanStop,
    OnSiteRegistration,
    RegistrationStatus,
    StopOffer,
    StopPhoto,
    StopStatus,
)

MODULE = "outreach"


# --- caravans ---------------------------------------------------------------------------------


def caravan_scoped(user, action: str = Action.VIEW) -> QuerySet[Caravan]:
    return scope_queryset(Caravan.objects.all(), user, MODULE, action)


def caravan_list(user, *, q: str = "", kind: str = "", status: str = "") -> QuerySet[Caravan]:
    caravans = caravan_scoped(user).select_related("org")
    q = normalise_text(q)
    if q:
        caravans = caravans.filter(Q(name__contains=q) | Q(vehicle__contains=q))
    if kind:
        caravans = caravans.filter(kind=kind)
    if status:
        caravans = caravans.filter(status=status)
    return caravans.order_by("-id")


def caravan_get(user, pk, action: str = Action.VIEW) -> Caravan:
    return get_in_scope_or_404(Caravan.objects.select_related("org"), user, MODULE, action, pk=pk)


def caravan_choices(user) -> QuerySet[Caravan]:
    """Active caravans whose route the user plans (edit scope on the caravan's org)."""
    return (
        caravan_scoped(user, Action.EDIT)
        .filter(status=CaravanStatus.ACTIVE)
        .select_related("org")
        .order_by("name", "id")
    )


def org_choices(user, action: str = Action.EDIT) -> QuerySet[Org]:
    """Active orgs the user may act on in outreach (the pickers of forms)."""
    paths = scope_paths(user, MODULE, action)
    return Org.objects.filter(scope_q(paths, "path"), status=OrgStatus.ACTIVE).order_by("path")


def township_choices(user) -> QuerySet[Org]:
    """Townships (乡镇、街道、园区) in the user's view scope, or above it in their county."""
    paths = scope_paths(user, MODULE, Action.VIEW)
    return Org.objects.filter(
        township_q(), scope_q(paths, "path"), status=OrgStatus.ACTIVE
    ).order_by("code")


# --- stops ------------------------------------------------------------------------------------


def stop_scoped(user, action: str = Action.VIEW) -> QuerySet[CaravanStop]:
    return scope_queryset(CaravanStop.objects.all(), user, MODULE, action)


def stop_list(
    user,
    *,
    q: str = "",
    caravan: int | None = None,
    status: str = "",
    township: int | None = None,
    when: str = "",
    org: Org | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    action: str = Action.VIEW,
) -> QuerySet[CaravanStop]:
    """Stops in scope; `when`: "upcoming" (not yet ended), "past" (ended), "" (all);
    `org`: the stops of its subtree; `date_from`/`date_to`: starting on those days."""
    stops = in_subtree(stop_scoped(user, action), org).select_related("caravan", "org", "township")
    stops = in_dates(stops, "starts_at", date_from, date_to)
    q = normalise_text(q)
    if q:
        stops = stops.filter(
            Q(place__contains=q) | Q(host_name__contains=q) | Q(caravan__name__contains=q)
        )
    if caravan:
        stops = stops.filter(caravan_id=caravan)
    if status:
        stops = stops.filter(status=status)
    if township:
        stops = stops.filter(township_id=township)
    now = timezone.now()
    if when == "upcoming":
        return stops.filter(ends_at__gt=now).order_by("starts_at", "id")
    if when == "past":
        stops = stops.filter(ends_at__lte=now)
    return stops.order_by("-starts_at", "-id")


def stop_get(user, pk, action: str = Action.VIEW) -> CaravanStop:
    return get_in_scope_or_404(
        CaravanStop.objects.select_related(
            "caravan", "caravan__org", "org", "township", "host_enterprise", "host_site"
        ),
        user,
        MODULE,
        action,
        pk=pk,
    )


def stop_offers(stop: CaravanStop) -> list[StopOffer]:
    return list(stop.offers.order_by("id"))


def stop_photos(stop: CaravanStop) -> list[StopPhoto]:
    return list(stop.photos.order_by("id"))


def stop_staff(stop: CaravanStop) -> list:
    return list(stop.duty_staff.order_by("full_name", "id"))


def staff_choices(org: Org):
    """Active users who may act in outreach at `org` (their role at the org or above grants
    edit there): who can be on duty at a stop or take its follow-ups."""
    from gonghui.accounts.models import RoleAssignment

    ancestry = [*org.ancestor_ids(), org.pk]
    assignments = (
        RoleAssignment.objects.filter(org_id__in=ancestry, user__is_active=True)
        .select_related("user", "role", "org")
        .order_by("user__full_name", "user_id")
    )
    seen, users = set(), []
    for assignment in assignments:
        if (
            assignment.org.is_active
            and assignment.role.grants(MODULE, Action.EDIT)
            and assignment.user_id not in seen
        ):
            seen.add(assignment.user_id)
            users.append(assignment.user)
    return users


# --- registrations -------------------------------------------------------------------------------


def registration_scoped(user, action: str = Action.VIEW) -> QuerySet[OnSiteRegistration]:
    return scope_queryset(OnSiteRegistration.objects.all(), user, MODULE, action)


def registration_list(
    user,
    *,
    stop: CaravanStop | None = None,
    status: str = "",
    outcome: str = "",
    q: str = "",
    org: Org | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    action: str = Action.VIEW,
) -> QuerySet[OnSiteRegistration]:
    """`outcome` "open": confirmed and still followed up; "employed_90d": followed up and
    employed within 90 days of the stop (outreach.registrations.employed_90d); else the
    final outcome. `date_from`/`date_to`: registered on those days."""
    rows = in_subtree(registration_scoped(user, action), org).select_related(
        "offer", "stop", "stop__caravan"
    )
    rows = in_dates(rows, "registered_on", date_from, date_to)
    if stop is not None:
        rows = rows.filter(stop=stop)
    if status:
        rows = rows.filter(status=status)
    if outcome == "open":
        rows = rows.filter(outcome="", status=RegistrationStatus.CONFIRMED)
    elif outcome == "employed_90d":
        from gonghui.outreach.followups.services import FOLLOWED_SERVICES

        rows = rows.filter(
            status=RegistrationStatus.CONFIRMED,
            offer__service__in=FOLLOWED_SERVICES,
            days_to_job__lte=90,
        )
    elif outcome:
        rows = rows.filter(outcome=outcome)
    q = normalise_text(q).upper()
    if q:
        rows = rows.filter(Q(name__contains=q) | Q(reference=q))
    if stop is not None:
        return rows.order_by("offer_id", "status", "arrival")
    return rows.order_by("-id")


def registration_get(user, pk, action: str = Action.VIEW) -> OnSiteRegistration:
    return get_in_scope_or_404(
        OnSiteRegistration.objects.select_related(
            "stop", "stop__caravan", "offer", "org", "member", "archive", "recorded_by", "employer"
        ),
        user,
        MODULE,
        action,
        pk=pk,
    )


EXPORT_HEADERS = [
    "登记号",
    "姓名",
    "性别",
    "农民工",
    "身份证号",
    "手机号码",
    "会员",
    "困难职工家庭",
    "大篷车",
    "站次地点",
    "站次日期",
    "登记项目",
    "状态",
    "登记方式",
    "登记顺序",
    "期望岗位",
    "期望月薪",
    "期望地点",
    "现有技能",
    "跟踪结果",
    "参加培训日期",
    "就业日期",
    "就业单位",
    "月工资",
    "就业用时(天)",
]


def _export_rows(rows, masked: bool):
    for r in rows.iterator(chunk_size=2000):
        yield [
            r.reference,
            r.name,
            r.get_gender_display(),
            r.is_migrant_worker,
            mask_id_number(r.id_number) if masked else r.id_number,
            mask_phone(r.phone) if masked else r.phone,
            r.member_id is not None,
            r.archive_id is not None,
            r.stop.caravan.name,
            r.stop.place,
            timezone.localtime(r.stop.starts_at).date(),
            r.offer.title,
            r.get_status_display(),
            r.get_channel_display(),
            r.arrival,
            r.wish_job,
            r.wish_pay,
            r.wish_area,
            r.skills,
            r.get_outcome_display() if r.outcome else "跟踪中",
            r.trained_on,
            r.employed_on,
            r.employer_name,
            r.monthly_pay,
            r.days_to_job,
        ]


def registration_export_rows(user, *, unmask: bool = False, **filters):
    """The rows of the registration export (staff page and API): the user's export scope,
    narrowed to their view-sensitive scope when unmasked; ID numbers and phones masked
    unless `unmask`. A generator of cells (the caller writes and audits the workbook)."""
    rows = registration_list(user, action=Action.EXPORT, **filters)
    if unmask:
        rows = scope_queryset(rows, user, MODULE, Action.VIEW_SENSITIVE)
    rows = rows.select_related("stop", "stop__caravan", "offer").order_by("id")
    return _export_rows(rows, not unmask)


def offer_queue(offer: StopOffer) -> list[OnSiteRegistration]:
    """The live registrations of an offer in arrival order (confirmed, then the waiting list)."""
    return list(
        offer.registrations.exclude(status=RegistrationStatus.CANCELLED).order_by("arrival")
    )


# --- public (portal) -------------------------------------------------------------------------------


def stops_public_upcoming(*, township: int | None = None, limit: int = 30) -> list[CaravanStop]:
    """Planned stops open to portal registration that have not ended, soonest first, with
    their registrable offers."""
    now = timezone.now()
    stops = (
        CaravanStop.objects.filter(status=StopStatus.PLANNED, portal_open=True, ends_at__gt=now)
        .select_related("caravan", "township")
        .prefetch_related(
            Prefetch(
                "offers",
                queryset=StopOffer.objects.filter(quota__isnull=False).order_by("id"),
                to_attr="registrable_offers",
            )
        )
        .order_by("starts_at", "id")
    )
    if township:
        stops = stops.filter(township_id=township)
    return list(stops[:limit])


def stop_public_get(pk) -> CaravanStop | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        CaravanStop.objects.filter(pk=pk)
        .exclude(status=StopStatus.CANCELLED)
        .select_related("caravan", "township")
        .first()
    )


def registration_public_get(reference: str) -> OnSiteRegistration | None:
    reference = normalise_text(reference).upper()
    if not reference or len(reference) > 12:
        return None
    return (
        OnSiteRegistration.objects.filter(reference=reference)
        .select_related("stop", "offer", "stop__caravan")
        .first()
    )


def stops_on_map(user, *, since: datetime.date | None = None) -> list[CaravanStop]:
    """Stops in scope for the route map (planned and done), with their caravan."""
    stops = stop_scoped(user).exclude(status=StopStatus.CANCELLED).select_related("caravan")
    if since is not None:
        stops = stops.filter(starts_at__date__gte=since)
    return list(stops.order_by("starts_at", "id")[:2000])


def staff_in_scope(user) -> list:
    """Active users who may act in outreach somewhere in or above the user's edit scope (the
    choices for a stop's duty staff; the service checks each against the stop's org)."""
    from gonghui.accounts.models import RoleAssignment

    paths = scope_paths(user, MODULE, Action.EDIT)
    if not paths:
        return []
    above = {pk for path in paths for pk in Org(path=path).ancestor_ids()}
    assignments = (
        RoleAssignment.objects.filter(scope_q(paths, "org__path") | Q(org_id__in=above))
        .filter(user__is_active=True)
        .select_related("user", "user__org", "role", "org")
        .order_by("user__full_name", "user_id")
    )
    seen, users = set(), []
    for assignment in assignments:
        if (
            assignment.org.is_active
            and assignment.role.grants(MODULE, Action.EDIT)
            and assignment.user_id not in seen
        ):
            seen.add(assignment.user_id)
            users.append(assignment.user)
    return users


def enterprise_choices(user):
    from gonghui.orgs.models import Enterprise, EnterpriseStatus

    return list(
        scope_queryset(Enterprise.objects.all(), user, MODULE, Action.VIEW)
        .filter(status=EnterpriseStatus.ACTIVE)
        .only("id", "name", "org_id")
        .order_by("name", "id")[:2000]
    )


def site_choices(user):
    from gonghui.sites.models import ServiceSite, SiteStatus

    return list(
        scope_queryset(ServiceSite.objects.all(), user, MODULE, Action.VIEW)
        .filter(status=SiteStatus.OPEN)
        .only("id", "name", "org_id")
        .order_by("name", "id")[:2000]
    )


def township_choices_public() -> QuerySet[Org]:
    """Townships a worker may pick on the portal (every active one)."""
    return Org.objects.filter(township_q(), status=OrgStatus.ACTIVE).order_by("code")
