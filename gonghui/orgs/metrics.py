"""Orgs' countable measures (the metric registry, gonghui.core.metrics)."""

from gonghui.core.metrics import Count, Ratio, register


def _grassroots_unions():
    from gonghui.orgs.models import Org, OrgLevel, OrgStatus

    return Org.objects.filter(status=OrgStatus.ACTIVE, level__gte=OrgLevel.GRASSROOTS)


def _enterprises():
    from gonghui.orgs.models import Enterprise, EnterpriseStatus

    return Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE)


def _enterprises_with_union():
    return _enterprises().filter(has_union=True)


register(
    Count(
        code="orgs.grassroots_unions",
        name="基层工会",
        unit="个",
        module="orgs",
        rule="状态正常的基层工会(含分工会)",
        records=_grassroots_unions,
        org_field="",
    ),
    Count(
        code="orgs.enterprises",
        name="用人单位",
        unit="家",
        module="orgs",
        rule="存续的用人单位，按覆盖它的工会统计",
        records=_enterprises,
    ),
    Count(
        code="orgs.enterprises_with_union",
        name="已建会单位",
        unit="家",
        module="orgs",
        rule="存续且已建会的用人单位",
        records=_enterprises_with_union,
    ),
    Ratio(
        code="orgs.union_coverage_rate",
        name="建会率",
        module="orgs",
        rule="已建会单位 ÷ 存续的用人单位",
        numerator="orgs.enterprises_with_union",
        denominator="orgs.enterprises",
    ),
)
