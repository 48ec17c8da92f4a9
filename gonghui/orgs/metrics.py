"""Orgs' countable measures (the metric registry, gonghui.core.metrics)."""

from gonghui.core.metrics import Count, Ratio, register


def _grassroots_unions():
    from gonghui.orgs.models import Org, OrgLevel, OrgStatus

    return Org.objects.filter(status=OrgStatus.ACTIVE, level__gte=OrgLevel.GRASSROOTS)


def _grassroots_unions_of(*types):
    def records():
        return _grassroots_unions().filter(type__in=types)

    return records


# Non-public ownership (非公有制): private, foreign, Hong Kong/Macao/Taiwan, individual.
NON_PUBLIC = ("private", "foreign", "hmt", "individual")


def _non_public_with_union():
    return _enterprises_with_union().filter(economic_type__in=NON_PUBLIC)


def _employees_sum():
    from django.db.models import Sum

    return Sum("employee_count")


def _url(name: str, query: str):
    """A drill-down to the orgs' lists, narrowed to the org's subtree (`org`)."""

    def url(org, period) -> str:
        from django.urls import reverse

        return reverse(name) + f"?org={org.pk}" + query

    return url


_UNIONS = _url("orgs:list", "&level=6&status=active")
_EMPLOYERS = _url("orgs:enterprise_list", "&status=active")
_EMPLOYERS_WITH_UNION = _url("orgs:enterprise_list", "&status=active&has_union=1")


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
        drilldown=_UNIONS,
        org_field="",
    ),
    Count(
        code="orgs.enterprises",
        tally=True,
        name="用人单位",
        unit="家",
        module="orgs",
        rule="存续的用人单位，按覆盖它的工会统计",
        records=_enterprises,
        drilldown=_EMPLOYERS,
    ),
    Count(
        code="orgs.enterprises.employees",
        tally=True,
        name="用人单位职工人数",
        unit="人",
        module="orgs",
        rule="存续的用人单位登记的职工人数之和，按覆盖它的工会统计",
        records=_enterprises,
        aggregate=_employees_sum,
        drilldown=_EMPLOYERS,
    ),
    Count(
        code="orgs.enterprises_with_union",
        tally=True,
        name="已建会单位",
        unit="家",
        module="orgs",
        rule="存续且已建会的用人单位",
        records=_enterprises_with_union,
        drilldown=_EMPLOYERS_WITH_UNION,
    ),
    Count(
        code="orgs.grassroots_unions.enterprise",
        name="企业工会",
        unit="个",
        module="orgs",
        rule="状态正常的基层企业工会(含分工会)",
        records=_grassroots_unions_of("enterprise"),
        drilldown=_url("orgs:list", "&level=6&status=active&type=enterprise"),
        org_field="",
    ),
    Count(
        code="orgs.grassroots_unions.institution",
        name="机关事业单位工会",
        unit="个",
        module="orgs",
        rule="状态正常的基层机关事业单位工会(含分工会)",
        records=_grassroots_unions_of("institution"),
        drilldown=_url("orgs:list", "&level=6&status=active&type=institution"),
        org_field="",
    ),
    Count(
        code="orgs.grassroots_unions.community",
        name="村(社区)工会",
        unit="个",
        module="orgs",
        rule="状态正常的村(社区)工会",
        records=_grassroots_unions_of("community"),
        drilldown=_url("orgs:list", "&level=6&status=active&type=community"),
        org_field="",
    ),
    Count(
        code="orgs.grassroots_unions.joint",
        name="联合基层工会",
        unit="个",
        module="orgs",
        rule="状态正常的基层联合工会和行业工会",
        records=_grassroots_unions_of("joint", "industry"),
        drilldown=_url("orgs:list", "&level=6&status=active&type=joint"),
        org_field="",
    ),
    Count(
        code="orgs.enterprises_with_union.non_public",
        tally=True,
        name="已建会的非公有制单位",
        unit="家",
        module="orgs",
        rule="存续且已建会、经济类型为私营、外商投资、港澳台投资或个体的用人单位",
        records=_non_public_with_union,
        drilldown=_EMPLOYERS_WITH_UNION,
    ),
    Count(
        code="orgs.enterprises_with_union.employees",
        tally=True,
        name="已建会单位职工人数",
        unit="人",
        module="orgs",
        rule="存续且已建会的用人单位登记的职工人数之和",
        records=_enterprises_with_union,
        drilldown=_EMPLOYERS_WITH_UNION,
        aggregate=_employees_sum,
    ),
    Ratio(
        code="orgs.union_coverage_rate",
        name="建会率",
        module="orgs",
        rule="已建会单位 ÷ 存续的用人单位",
        numerator="orgs.enterprises_with_union",
        denominator="orgs.enterprises",
        drilldown=_EMPLOYERS_WITH_UNION,
    ),
)
