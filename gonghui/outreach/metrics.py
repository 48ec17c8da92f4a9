"""Outreach's countable measures (the metric registry, gonghui.core.metrics).

Registrations are counted by the day they were made (`registered_on`) and by the union
responsible for the stop; the funnel (registered → trained → employed within 30 / 90 days of
the stop) follows one cohort: the registrations of the period that are followed up (confirmed
places of job aid or free training), and what became of each of them so far.
"""

from django.db.models import Sum
from django.utils import timezone

from gonghui.core.metrics import Count, Ratio, register

FOLLOWED = ("job_aid", "training")


def _stops_held():
    from gonghui.outreach.caravans.models import CaravanStop, StopStatus

    return CaravanStop.objects.filter(status=StopStatus.DONE)


def _served(service: str | None = None):
    def records():
        from gonghui.outreach.caravans.models import StopOffer, StopStatus

        rows = StopOffer.objects.filter(stop__status=StopStatus.DONE, served__isnull=False)
        return rows.filter(service=service) if service else rows

    return records


def _registrations(**filters):
    def records():
        from gonghui.outreach.caravans.models import OnSiteRegistration, RegistrationStatus

        return OnSiteRegistration.objects.exclude(status=RegistrationStatus.CANCELLED).filter(
            **filters
        )

    return records


def _followed(**filters):
    return _registrations(status="confirmed", offer__service__in=FOLLOWED, **filters)


def _followups_overdue():
    from gonghui.outreach.followups.models import FollowUp, FollowUpStatus

    return FollowUp.objects.filter(status=FollowUpStatus.PENDING, due_on__lt=timezone.localdate())


def _followups_done():
    from gonghui.outreach.followups.models import FollowUp, FollowUpStatus

    return FollowUp.objects.filter(status=FollowUpStatus.DONE)


def _activities_held():
    from gonghui.outreach.activities.models import Activity, ActivityStatus

    return Activity.objects.filter(status=ActivityStatus.HELD)


def _entries():
    from gonghui.outreach.contests.models import Entry, EntryStatus

    return Entry.objects.exclude(status=EntryStatus.WITHDRAWN)


def _volunteer_hours():
    from gonghui.outreach.volunteers.models import ServiceHours

    return ServiceHours.objects.all()


def _volunteers():
    from gonghui.outreach.volunteers.models import Volunteer

    return Volunteer.objects.filter(left_on__isnull=True)


MODULE = "outreach"


def _period_query(period) -> str:
    """The list's date range (`date_from`/`date_to`, core.pages.date_range_param) of a
    measure's period: the list then holds exactly the records the figure counts."""
    if period is None:
        return ""
    start = f"&date_from={period.start.isoformat()}" if period.start is not None else ""
    return f"{start}&date_to={period.end.isoformat()}"


def _records(name: str, query: str = "", *, dated: bool = False):
    """A drill-down to the module's list of the records a measure counts, narrowed to the
    org's subtree (`org`) and, for a measure counted by a date (`dated`), to the period by
    the list's date range over that same date."""

    def url(org, period) -> str:
        from django.urls import reverse

        dates = _period_query(period) if dated else ""
        return reverse(name) + f"?org={org.pk}{query}{dates}"

    return url


register(
    Count(
        code="outreach.stops.held",
        name="大篷车服务站次",
        unit="站次",
        module=MODULE,
        rule="已完成(填写了服务小结)的大篷车站次，按开始时间统计",
        records=_stops_held,
        date_field="starts_at",
        drilldown=_records("outreach:stop_list", "&status=done", dated=True),
    ),
    Count(
        code="outreach.people_served",
        name="大篷车服务人次",
        unit="人次",
        module=MODULE,
        rule="已完成站次的服务小结中各服务项目的服务人数之和",
        records=_served(),
        date_field="stop__starts_at",
        org_field="stop__org",
        aggregate=lambda: Sum("served"),
        drilldown=_records("outreach:stop_list", "&status=done", dated=True),
    ),
    Count(
        code="outreach.people_served.job_aid",
        name="大篷车就业援助服务人次",
        unit="人次",
        module=MODULE,
        rule="已完成站次中“就业援助(求职登记)”的服务人数",
        records=_served("job_aid"),
        date_field="stop__starts_at",
        org_field="stop__org",
        aggregate=lambda: Sum("served"),
    ),
    Count(
        code="outreach.people_served.training",
        name="大篷车免费培训服务人次",
        unit="人次",
        module=MODULE,
        rule="已完成站次中“免费技能培训”(各工种)的服务人数",
        records=_served("training"),
        date_field="stop__starts_at",
        org_field="stop__org",
        aggregate=lambda: Sum("served"),
    ),
    Count(
        code="outreach.registrations.total",
        name="大篷车登记人数",
        unit="人",
        module=MODULE,
        rule="统计期内登记(现场登记和网上预约，不含已取消的)的人数",
        records=_registrations(),
        date_field="registered_on",
    ),
    Count(
        code="outreach.registrations.portal",
        name="大篷车网上预约人数",
        unit="人",
        module=MODULE,
        rule="统计期内通过职工服务网上预约(不含已取消的)的人数",
        records=_registrations(channel="portal"),
        date_field="registered_on",
    ),
    Count(
        code="outreach.registrations.waitlisted",
        name="大篷车候补人数",
        unit="人",
        module=MODULE,
        rule="统计期内登记、目前仍在候补的人数",
        records=_registrations(status="waitlisted"),
        date_field="registered_on",
    ),
    Count(
        code="outreach.registrations.followed",
        name="就业跟踪登记人数",
        unit="人",
        module=MODULE,
        rule="统计期内登记并确认名额的就业援助和免费培训人数(跟踪回访的对象)",
        records=_followed(),
        date_field="registered_on",
    ),
    Count(
        code="outreach.registrations.trained",
        name="登记后参加培训人数",
        unit="人",
        module=MODULE,
        rule="统计期内登记的跟踪对象中，回访记录为已开始或已完成培训的人数",
        records=_followed(trained_on__isnull=False),
        date_field="registered_on",
    ),
    Count(
        code="outreach.registrations.employed",
        name="登记后实现就业人数",
        unit="人",
        module=MODULE,
        rule="统计期内登记的跟踪对象中，回访记录为已就业的人数",
        records=_followed(employed_on__isnull=False),
        date_field="registered_on",
    ),
    Count(
        code="outreach.registrations.employed_30d",
        name="30 天内实现就业人数",
        unit="人",
        module=MODULE,
        rule="统计期内登记的跟踪对象中，站次后 30 天内就业的人数",
        records=_followed(days_to_job__lte=30),
        date_field="registered_on",
    ),
    Count(
        code="outreach.registrations.employed_90d",
        name="90 天内实现就业人数",
        unit="人",
        module=MODULE,
        rule="统计期内登记的跟踪对象中，站次后 90 天内就业的人数",
        records=_followed(days_to_job__lte=90),
        date_field="registered_on",
        drilldown=_records("outreach:registration_list", "&outcome=employed_90d", dated=True),
    ),
    Ratio(
        code="outreach.registrations.employment_rate_90d",
        name="90 天就业率",
        module=MODULE,
        rule="90 天内实现就业人数 ÷ 就业跟踪登记人数",
        numerator="outreach.registrations.employed_90d",
        denominator="outreach.registrations.followed",
    ),
    Count(
        code="outreach.followups.done",
        name="跟踪回访次数",
        unit="次",
        module=MODULE,
        rule="统计期内完成(记录了结果)的跟踪回访",
        records=_followups_done,
        date_field="done_on",
        drilldown=_records("outreach:followup_list", "&due=done", dated=True),
    ),
    Count(
        code="outreach.followups.overdue",
        name="逾期未回访",
        unit="次",
        module=MODULE,
        rule="应回访日期已过、尚未记录结果的回访(现状，不按期间)",
        records=_followups_overdue,
    ),
    Count(
        code="outreach.activities.held",
        name="职工活动场次",
        unit="场",
        module=MODULE,
        rule="已举办(登记了举办情况)的活动，按活动时间统计",
        records=_activities_held,
        date_field="starts_at",
        drilldown=_records("outreach:activity_list", "&status=held", dated=True),
    ),
    Count(
        code="outreach.activities.attendance",
        name="职工活动参加人次",
        unit="人次",
        module=MODULE,
        rule="已举办活动的参加人数之和(签到名单按人数计)",
        records=_activities_held,
        date_field="starts_at",
        aggregate=lambda: Sum("attendance"),
    ),
    Count(
        code="outreach.entries",
        name="征集作品数",
        unit="件",
        module=MODULE,
        rule="统计期内投稿的作品(不含撤回的)，按征集的主办工会统计",
        records=_entries,
        date_field="submitted_at",
    ),
    Count(
        code="outreach.volunteer_hours",
        name="志愿服务时长",
        unit="小时",
        module=MODULE,
        rule="统计期内登记的志愿服务时长之和",
        records=_volunteer_hours,
        date_field="served_on",
        aggregate=lambda: Sum("hours"),
    ),
    Count(
        code="outreach.volunteers",
        name="在队志愿者",
        unit="人",
        module=MODULE,
        rule="截至统计期末加入、目前仍在队的志愿者",
        records=_volunteers,
        date_field="joined_on",
    ),
)
