"""Service sites' countable measures (the metric registry, gonghui.core.metrics)."""

from gonghui.core.metrics import Count, register


def _open_sites():
    from gonghui.sites.models import ServiceSite, SiteStatus

    return ServiceSite.objects.filter(status=SiteStatus.OPEN)


def _sites():
    from gonghui.sites.models import ServiceSite

    return ServiceSite.objects.all()


def _checkins():
    from gonghui.sites.models import CheckIn

    return CheckIn.objects.all()


def _checkin_sum():
    from django.db.models import Sum

    return Sum("count")


def _org_sites(org, period) -> str:
    """The org's sites (their check-ins are what sites.checkins counts)."""
    from django.urls import reverse

    return reverse("sites:list") + f"?org={org.pk}"


def _site_list(org, period) -> str:
    from django.urls import reverse

    return reverse("sites:list") + f"?org={org.pk}&status=open"


register(
    Count(
        code="sites.stations.open",
        name="正常开放的服务阵地",
        unit="个",
        module="sites",
        rule="状态为“正常开放”的服务阵地(现状，不按期间)",
        records=_open_sites,
        drilldown=_site_list,
    ),
    Count(
        code="sites.stations.built",
        name="新建服务阵地",
        unit="个",
        module="sites",
        rule="登记时间在统计期间内的服务阵地",
        records=_sites,
        date_field="created_at",
    ),
    Count(
        code="sites.checkins",
        name="服务阵地使用(打卡)",
        unit="人次",
        module="sites",
        rule="打卡日期在统计期间内的扫码打卡次数之和，按站点所属组织统计",
        records=_checkins,
        date_field="day",
        org_field="site__org",
        aggregate=_checkin_sum,
        drilldown=_org_sites,
    ),
)
