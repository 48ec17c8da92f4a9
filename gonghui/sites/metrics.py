"""Service sites' countable measures (the metric registry, gonghui.core.metrics)."""

from gonghui.core.metrics import Count, register


def _open_sites():
    from gonghui.sites.models import ServiceSite, SiteStatus

    return ServiceSite.objects.filter(status=SiteStatus.OPEN)


def _sites():
    from gonghui.sites.models import ServiceSite

    return ServiceSite.objects.all()


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
)
