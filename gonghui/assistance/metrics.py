"""Hardship assistance's countable measures (the metric registry, gonghui.core.metrics): what
plans, the dashboard, the annual return and social workers' appraisals read of this module."""

from django.db.models import Count as CountAggregate
from django.db.models import F, Sum

from gonghui.core.metrics import Count, Ratio, register


def _archived():
    from gonghui.assistance.choices import ArchiveStatus
    from gonghui.assistance.models import HardshipArchive

    return HardshipArchive.objects.filter(status=ArchiveStatus.ARCHIVED)


def _disbursed_grants():
    from gonghui.assistance.models import Grant, GrantStatus

    return Grant.objects.filter(status=GrantStatus.DISBURSED)


def _open_alerts():
    from gonghui.assistance.models import Alert
    from gonghui.assistance.monitoring.definitions import AlertStatus

    return Alert.objects.filter(status=AlertStatus.OPEN)


def _alerts_closed_on_time():
    from gonghui.assistance.models import Alert
    from gonghui.assistance.monitoring.definitions import AlertStatus

    return Alert.objects.filter(status=AlertStatus.CLOSED, closed_at__date__lte=F("deadline"))


def _visits():
    from gonghui.assistance.models import Visit

    return Visit.objects.all()


def _url(name: str, query: str = ""):
    def drilldown(org, period) -> str:
        from django.urls import reverse

        return reverse(name) + f"?org={org.pk}" + (f"&{query}" if query else "")

    return drilldown


def _visits_url(org, period) -> str:
    """The visit list of the org's subtree, for the period's quarter when the period is
    exactly one quarter (a social worker's quarterly appraisal; the list shows a quarter)."""
    import datetime as dt

    from django.urls import reverse

    url = reverse("assistance:visit_list") + f"?org={org.pk}"
    start = period.start if period is not None else None
    if start is not None and start.day == 1 and start.month in (1, 4, 7, 10):
        following = dt.date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
        if period.end == following - dt.timedelta(days=1):
            url += f"&quarter={start.year}Q{(start.month - 1) // 3 + 1}"
    return url


register(
    Count(
        code="assistance.archives.open",
        tally=True,
        name="在档困难职工家庭",
        unit="户",
        module="assistance",
        rule="状态为“在档”的困难职工档案(现状，不按期间)",
        records=_archived,
        drilldown=_url("assistance:list", "status=archived"),
    ),
    Count(
        code="assistance.aid.paid",
        name="帮扶资金发放",
        unit="元",
        module="assistance",
        rule="发放日期在统计期间内、已发放的帮扶金额合计",
        records=_disbursed_grants,
        date_field="disbursed_on",
        aggregate=lambda: Sum("amount"),
        drilldown=_url("assistance:programme_list"),
    ),
    Count(
        code="assistance.aid.households",
        name="发放帮扶的家庭",
        unit="户",
        module="assistance",
        rule="统计期间内领到至少一笔帮扶的困难职工家庭(按户去重)",
        records=_disbursed_grants,
        date_field="disbursed_on",
        aggregate=lambda: CountAggregate("archive", distinct=True),
    ),
    Count(
        code="assistance.alerts.open",
        name="待处置的预警",
        unit="条",
        module="assistance",
        rule="状态为“待处置”的监测预警(现状，不按期间)",
        records=_open_alerts,
        drilldown=_url("assistance:alert_list", "status=open"),
    ),
    Count(
        code="assistance.alerts_closed_on_time",
        name="按时办结的预警",
        unit="条",
        module="assistance",
        rule="办结时间在统计期间内、且不晚于办理时限的监测预警",
        records=_alerts_closed_on_time,
        date_field="closed_at",
        drilldown=_url("assistance:alert_list", "status=closed"),
    ),
    Count(
        code="assistance.visits_on_time",
        name="走访户次",
        unit="户次",
        module="assistance",
        rule="走访日期在统计期间内的走访记录(每次走访计入其所在季度，按季走访即按时)",
        records=_visits,
        date_field="visited_on",
        drilldown=_visits_url,
    ),
    Count(
        code="assistance.visits.households",
        name="走访到的家庭",
        unit="户",
        module="assistance",
        rule="统计期间内至少走访过一次的困难职工家庭(按户去重)",
        records=_visits,
        date_field="visited_on",
        aggregate=lambda: CountAggregate("archive", distinct=True),
    ),
    Ratio(
        code="assistance.visits.on_time_rate",
        name="在档家庭走访率",
        module="assistance",
        rule="统计期间内走访到的家庭 ÷ 在档困难职工家庭(按季度统计即每季度走访率)",
        numerator="assistance.visits.households",
        denominator="assistance.archives.open",
        drilldown=_visits_url,
    ),
)
