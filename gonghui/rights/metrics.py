"""The rights module's countable measures (the metric registry, gonghui.core.metrics).

Plans, the leaders' dashboard, the annual return and appraisals read these; the rights
statistics page reads them too, so it never counts differently."""

from django.db.models import Exists, OuterRef, Sum

from gonghui.core.metrics import Count, Ratio, register

MODULE = "rights"


def _contracts():
    from gonghui.rights.models import CollectiveContract

    return CollectiveContract.objects.all()


def _contracts_in_force(day):
    from gonghui.rights.models import in_force_q

    return _contracts().filter(in_force_q(day))


def _employers_covered(day):
    from gonghui.orgs.models import Enterprise, EnterpriseStatus
    from gonghui.rights.models import ContractCoverage, in_force_q

    covered = ContractCoverage.objects.filter(
        in_force_q(day, "contract__"), enterprise=OuterRef("pk")
    )
    return Enterprise.objects.filter(status=EnterpriseStatus.ACTIVE, has_union=True).filter(
        Exists(covered)
    )


def _contracts_expiring(day):
    from gonghui.rights.contracts.selectors import state_q

    return _contracts().filter(state_q("expiring", day))


def _list(name, query="", *, dated=""):
    """A drill-down to one of the rights lists, narrowed to the org's subtree (`org`) and,
    for a list with a date range, to the period by the measure's date (`dated`, one of the
    list's DATED keys) — the list then holds exactly the records the figure counts."""

    def url(org, period) -> str:
        from django.urls import reverse

        dates = ""
        if dated and period is not None:
            dates = f"&dated={dated}&date_to={period.end.isoformat()}"
            if period.start is not None:
                dates += f"&date_from={period.start.isoformat()}"
        return reverse(name) + f"?org={org.pk}" + query + dates

    return url


def _offers(**conditions):
    def records():
        from gonghui.rights.models import BargainingOffer

        return BargainingOffer.objects.filter(**conditions)

    return records


def _offers_overdue(day):
    from gonghui.rights.models import BargainingOffer, OfferOutcome

    return BargainingOffer.objects.filter(
        outcome=OfferOutcome.OPEN, replied_on__isnull=True, reply_due__lt=day
    )


def _findings(**conditions):
    def records():
        from gonghui.rights.models import WageFinding

        return WageFinding.objects.filter(**conditions)

    return records


def _notices(step):
    def records():
        from gonghui.rights.models import WageNotice

        return WageNotice.objects.filter(step=step, issued_on__isnull=False)

    return records


def _resolved_after_notice():
    from gonghui.rights.models import FindingStatus, WageFinding, WageNotice

    issued = WageNotice.objects.filter(finding=OuterRef("pk"), issued_on__isnull=False)
    return WageFinding.objects.filter(status=FindingStatus.RESOLVED).filter(Exists(issued))


def _cases(**conditions):
    def records():
        from gonghui.rights.models import LegalAidCase

        return LegalAidCase.objects.filter(**conditions)

    return records


def _inspections():
    from gonghui.rights.models import Inspection

    return Inspection.objects.all()


def _sum(field):
    return lambda: Sum(field)


def _count(
    code,
    name,
    unit,
    rule,
    records,
    date_field=None,
    org_field="org",
    aggregate=None,
    drilldown=None,
    as_of=False,
):
    extra = {"aggregate": aggregate} if aggregate else {}
    if drilldown is not None:
        extra["drilldown"] = drilldown
    return Count(
        code=code,
        name=name,
        unit=unit,
        module=MODULE,
        rule=rule,
        records=records,
        date_field=date_field,
        org_field=org_field,
        as_of=as_of,
        **extra,
    )


register(
    _count(
        "rights.contracts.signed",
        "签订集体合同",
        "份",
        "签订日期在统计期间内的集体合同",
        _contracts,
        "signed_on",
    ),
    _count(
        "rights.contracts.in_force",
        "生效集体合同",
        "份",
        "统计截止日在有效期内的集体合同：已报送审查且审查无异议(或 15 日审查期满未提出异议)，"
        "未终止(按合同现在的状态)",
        _contracts_in_force,
        drilldown=_list("rights:contract_list", "&state=in_force"),
        as_of=True,
    ),
    _count(
        "rights.contracts.expiring",
        "3 个月内到期的集体合同",
        "份",
        "未终止、期满日在统计截止日后 3 个月内的集体合同",
        _contracts_expiring,
        drilldown=_list("rights:contract_list", "&state=expiring"),
        as_of=True,
    ),
    _count(
        "rights.contracts.employers_covered",
        "已签集体合同的建会单位",
        "家",
        "存续、已建会、统计截止日有生效集体合同覆盖的用人单位(含行业性、区域性合同覆盖的)，"
        "按覆盖它的工会统计",
        _employers_covered,
        as_of=True,
    ),
    Ratio(
        code="rights.contracts.coverage_rate",
        name="集体合同建制率",
        module=MODULE,
        rule="已签集体合同的建会单位 ÷ 已建会单位",
        numerator="rights.contracts.employers_covered",
        denominator="orgs.enterprises_with_union",
        drilldown=_list("rights:contract_list", "&state=in_force"),
    ),
    _count(
        "rights.contracts.workers_covered",
        "集体合同覆盖职工",
        "人",
        "统计截止日生效的集体合同覆盖的职工人数之和",
        _contracts_in_force,
        aggregate=_sum("workers_covered"),
        as_of=True,
    ),
    _count(
        "rights.offers.sent",
        "发出协商要约",
        "份",
        "要约日期在统计期间内的要约(含企业方发出的)",
        _offers(),
        "sent_on",
    ),
    _count(
        "rights.offers.replied",
        "要约已答复",
        "份",
        "答复日期在统计期间内的要约",
        _offers(replied_on__isnull=False),
        "replied_on",
    ),
    _count(
        "rights.offers.signed",
        "要约签订合同",
        "份",
        "结果为签订集体合同、结果日期在统计期间内的要约",
        _offers(outcome="signed"),
        "outcome_on",
    ),
    _count(
        "rights.offers.overdue",
        "要约逾期未答复",
        "份",
        "仍在进行、至统计截止日 20 日答复期限已过而未答复的要约",
        _offers_overdue,
        drilldown=_list("rights:offer_list", "&state=overdue"),
        as_of=True,
    ),
    _count(
        "rights.wage_findings.found",
        "工资支付问题",
        "项",
        "发现日期在统计期间内的问题",
        _findings(),
        "found_on",
    ),
    _count(
        "rights.wage_findings.amount_owed",
        "拖欠工资金额",
        "元",
        "发现日期在统计期间内的问题的拖欠金额之和",
        _findings(),
        "found_on",
        aggregate=_sum("amount_owed"),
    ),
    _count(
        "rights.wage_findings.workers_affected",
        "涉及职工",
        "人",
        "发现日期在统计期间内的问题涉及的职工人数之和",
        _findings(),
        "found_on",
        aggregate=_sum("workers_affected"),
    ),
    _count(
        "rights.wage_findings.resolved",
        "问题已整改",
        "项",
        "整改日期在统计期间内的问题",
        _findings(status="resolved"),
        "resolved_on",
    ),
    _count(
        "rights.wage_findings.amount_recovered",
        "追回工资金额",
        "元",
        "整改日期在统计期间内的问题的追回金额之和",
        _findings(status="resolved"),
        "resolved_on",
        aggregate=_sum("amount_recovered"),
    ),
    _count(
        "rights.wage_findings.open",
        "待整改问题",
        "项",
        "今天仍待整改的问题",
        _findings(status="open"),
    ),
    _count(
        "rights.notices.prompt",
        "发出提示函",
        "份",
        "送达日期在统计期间内的提示函",
        _notices("prompt"),
        "issued_on",
        drilldown=_list("rights:notice_list", "&step=prompt"),
    ),
    _count(
        "rights.notices.opinion",
        "发出意见书",
        "份",
        "送达日期在统计期间内的意见书",
        _notices("opinion"),
        "issued_on",
        drilldown=_list("rights:notice_list", "&step=opinion"),
    ),
    _count(
        "rights.notices.recommendation",
        "发出建议书",
        "份",
        "送达日期在统计期间内的建议书",
        _notices("recommendation"),
        "issued_on",
        drilldown=_list("rights:notice_list", "&step=recommendation"),
    ),
    _count(
        "rights.notices.resolved",
        "一函两书后整改",
        "项",
        "发出过一函两书、整改日期在统计期间内的问题",
        _resolved_after_notice,
        "resolved_on",
    ),
    _count(
        "rights.notices.recovered",
        "一函两书追回金额",
        "元",
        "发出过一函两书、整改日期在统计期间内的问题的追回金额之和",
        _resolved_after_notice,
        "resolved_on",
        aggregate=_sum("amount_recovered"),
    ),
    _count(
        "rights.legal_aid.applied",
        "法律援助申请",
        "件",
        "申请日期在统计期间内的法律援助申请",
        _cases(),
        "applied_on",
    ),
    _count(
        "rights.legal_aid.accepted",
        "法律援助受理",
        "件",
        "受理决定日期在统计期间内、决定受理的案件",
        _cases(status__in=("accepted", "assigned", "closed")),
        "decided_on",
        drilldown=_list("rights:case_list", "&state=accepted_all", dated="decided"),
    ),
    _count(
        "rights.legal_aid.closed",
        "法律援助结案",
        "件",
        "结案日期在统计期间内的案件",
        _cases(status="closed"),
        "closed_on",
    ),
    _count(
        "rights.legal_aid.amount_recovered",
        "法律援助挽回金额",
        "元",
        "结案日期在统计期间内的案件的挽回金额之和",
        _cases(status="closed"),
        "closed_on",
        aggregate=_sum("amount_recovered"),
    ),
    _count(
        "rights.legal_aid.open",
        "在办法律援助案件",
        "件",
        "今天待受理、已受理或承办中的案件",
        _cases(status__in=("applied", "accepted", "assigned")),
    ),
    _count(
        "rights.supervision.inspections",
        "劳动法律监督检查",
        "次",
        "检查日期在统计期间内的监督检查",
        _inspections,
        "inspected_on",
    ),
)
