"""Members' countable measures (the metric registry, gonghui.core.metrics)."""

from gonghui.core.metrics import Count, Ratio, register


def _members():
    from gonghui.members.models import Member

    return Member.objects.all()


def _active_members():
    from gonghui.members.models import Member, MemberStatus

    return Member.objects.filter(status=MemberStatus.ACTIVE)


def _new_employment_form_members():
    from gonghui.members.models import NEW_EMPLOYMENT_FORMS, Member, MemberStatus

    return Member.objects.filter(
        status=MemberStatus.ACTIVE, employment_form__in=NEW_EMPLOYMENT_FORMS
    )


def _migrant_members():
    from gonghui.members.models import Member, MemberStatus

    return Member.objects.filter(status=MemberStatus.ACTIVE, is_migrant_worker=True)


def _female_members():
    from gonghui.members.models import Gender, Member, MemberStatus

    return Member.objects.filter(status=MemberStatus.ACTIVE, gender=Gender.FEMALE)


def _join_applications():
    from gonghui.members.models import JoinApplication

    return JoinApplication.objects.all()


def _joins_reviewed():
    from gonghui.members.models import JoinApplication, JoinStatus

    return JoinApplication.objects.filter(
        status__in=[JoinStatus.APPROVED, JoinStatus.REJECTED], reviewed_at__isnull=False
    )


def _transfers_decided():
    from gonghui.members.models import MembershipTransfer, TransferStatus

    return MembershipTransfer.objects.filter(
        status__in=[TransferStatus.APPROVED, TransferStatus.REJECTED], decided_at__isnull=False
    )


def _dates(dated: str, period) -> str:
    """The list's date range over the measure's period by the measure's date (`dated`):
    the list then holds exactly the records the figure counts."""
    if period is None:
        return ""
    start = f"&date_from={period.start.isoformat()}" if period.start is not None else ""
    return f"&dated={dated}{start}&date_to={period.end.isoformat()}"


def _transfer_list_url(org, period) -> str:
    from django.urls import reverse

    return (
        reverse("members:transfer_list")
        + f"?org={org.pk}&status=decided"
        + _dates("decided", period)
    )


def _roster_url(org, period) -> str:
    """The roster of the org's subtree, joined in the period's (end) year."""
    from django.urls import reverse

    year = f"&joined_year={period.end.year}" if period is not None else ""
    return reverse("members:list") + f"?org={org.pk}{year}"


def _active_roster(extra: str = ""):
    """The roster of the org's subtree, members in register (plus `extra` filters)."""

    def url(org, period) -> str:
        from django.urls import reverse

        return reverse("members:list") + f"?org={org.pk}&status=active{extra}"

    return url


def _all_applications_url(org, period) -> str:
    from django.urls import reverse

    return reverse("members:join_list") + f"?org={org.pk}&status=" + _dates("created", period)


def _join_list_url(org, period) -> str:
    from django.urls import reverse

    return (
        reverse("members:join_list") + f"?org={org.pk}&status=reviewed" + _dates("reviewed", period)
    )


register(
    Count(
        code="members.joined",
        tally=True,
        name="新入会会员",
        unit="人",
        module="members",
        rule="入会日期在统计期间内的会员(含其后退会的)",
        records=_members,
        date_field="joined_on",
        drilldown=_roster_url,
    ),
    Count(
        code="members.active",
        tally=True,
        name="在册会员",
        unit="人",
        module="members",
        rule="截至统计期末入会、目前在册的会员",
        records=_active_members,
        date_field="joined_on",
        drilldown=_active_roster(),
    ),
    Count(
        code="members.new_employment_form",
        tally=True,
        name="新就业形态会员",
        unit="人",
        module="members",
        rule="在册会员中就业形态属于新就业形态八大群体或网约车司机的",
        records=_new_employment_form_members,
        date_field="joined_on",
        drilldown=_active_roster("&new_form_only=1"),
    ),
    Count(
        code="members.migrant_workers",
        tally=True,
        name="农民工会员",
        unit="人",
        module="members",
        rule="在册会员中标记为农民工的",
        records=_migrant_members,
        date_field="joined_on",
        drilldown=_active_roster("&migrant=1"),
    ),
    Count(
        code="members.female",
        tally=True,
        name="女性会员",
        unit="人",
        module="members",
        rule="在册会员中性别为女的",
        records=_female_members,
        date_field="joined_on",
    ),
    Count(
        code="members.join_applications",
        name="网上入会申请",
        unit="件",
        module="members",
        rule="提交时间在统计期间内的网上入会申请",
        records=_join_applications,
        date_field="created_at",
        drilldown=_all_applications_url,
    ),
    Count(
        code="members.joins_reviewed",
        name="审核的入会申请",
        unit="件",
        module="members",
        rule="审核时间在统计期间内、已通过或未通过的网上入会申请",
        records=_joins_reviewed,
        date_field="reviewed_at",
        drilldown=_join_list_url,
    ),
    Count(
        code="members.transfers_decided",
        name="办理的会籍转入",
        unit="件",
        module="members",
        rule="审批时间在统计期间内、已转入或已拒绝的会籍转移(按转入方工会计)",
        records=_transfers_decided,
        date_field="decided_at",
        drilldown=_transfer_list_url,
    ),
    Ratio(
        code="members.new_employment_form_share",
        name="新就业形态会员占比",
        module="members",
        rule="新就业形态会员 ÷ 在册会员",
        numerator="members.new_employment_form",
        denominator="members.active",
        drilldown=_active_roster("&new_form_only=1"),
    ),
    Ratio(
        code="members.membership_rate",
        name="入会率",
        module="members",
        rule="在册会员 ÷ 存续的用人单位职工人数(与会员统计页的入会率相同)",
        numerator="members.active",
        denominator="orgs.enterprises.employees",
        drilldown=_active_roster(),
    ),
)
