"""A few demo membership transfers (会籍转移): pending ones to approve and approved ones.

Deterministic (the unions are taken in code order, the member with the lowest id in each)
and idempotent: transfers are recognised by their reason, so a second run adds nothing.
"""

from django.db import transaction

from gonghui.core.text import normalise_text
from gonghui.members.models import Member, MembershipTransfer, MemberStatus, TransferSide
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

COUNTY_CODE = "339901"
# (from union index, to union index, requesting side, approve?, reason)
PLAN = [
    (0, 1, TransferSide.FROM, False, "工作调动，转入新单位工会（演示）"),
    (2, 0, TransferSide.FROM, False, "居住地变更，转入社区工会（演示）"),
    (3, 1, TransferSide.TO, False, "已在本单位就业，申请转入（演示）"),
    (1, 2, TransferSide.FROM, True, "劳动关系转移（演示）"),
    (4, 3, TransferSide.TO, True, "从乡镇会员池转入基层工会（演示）"),
]


def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return "no demo county; 0 transfers"
    from gonghui.members.transfers.services import transfer_approve, transfer_request

    unions = list(
        Org.objects.filter(
            path__startswith=county.path, level=OrgLevel.GRASSROOTS, status=OrgStatus.ACTIVE
        ).order_by("code")[:10]
    )
    reasons = [normalise_text(p[4]) for p in PLAN]  # as the service stores them
    done = set(
        MembershipTransfer.objects.filter(reason__in=reasons).values_list("reason", flat=True)
    )
    added = 0
    with transaction.atomic():
        for src, dst, side, approve, reason in PLAN:
            if normalise_text(reason) in done or max(src, dst) >= len(unions):
                continue
            member = (
                Member.objects.filter(org=unions[src], status=MemberStatus.ACTIVE)
                .exclude(transfers__status="pending")
                .order_by("pk")
                .first()
            )
            if member is None:
                continue
            transfer = transfer_request(
                actor=None, member=member, to_org=unions[dst], reason=reason, side=side
            )
            if approve:
                transfer_approve(actor=None, transfer=transfer)
            added += 1
    total = MembershipTransfer.objects.filter(reason__in=reasons).count()
    return f"{total} transfers (+{added})"
