"""The transfer demo seeder: pending and approved transfers, deterministic and idempotent."""

import pytest

from gonghui.members.models import EventKind, MembershipEvent, MembershipTransfer, TransferStatus
from gonghui.members.tests.factories import build_member
from gonghui.members.transfers import demo as demo_transfers
from gonghui.orgs import demo as orgs_demo
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

pytestmark = pytest.mark.django_db


def test_demo_transfers_seed_once():
    orgs_demo.seed(seed=2026)
    county = Org.objects.get(code=demo_transfers.COUNTY_CODE)
    unions = Org.objects.filter(
        path__startswith=county.path, level=OrgLevel.GRASSROOTS, status=OrgStatus.ACTIVE
    ).order_by("code")[:5]
    for union in unions:
        for _ in range(2):
            build_member(org=union)
    first = demo_transfers.seed(seed=2026)
    statuses = sorted(MembershipTransfer.objects.values_list("status", flat=True))
    second = demo_transfers.seed(seed=2026)
    assert first == f"{len(demo_transfers.PLAN)} transfers (+{len(demo_transfers.PLAN)})"
    assert second.endswith("(+0)")
    assert statuses.count(TransferStatus.PENDING) == 3
    assert statuses.count(TransferStatus.APPROVED) == 2
    assert sorted(MembershipTransfer.objects.values_list("status", flat=True)) == statuses
    assert MembershipEvent.objects.filter(kind=EventKind.TRANSFERRED).count() == 2


def test_demo_transfers_without_demo_county():
    assert demo_transfers.seed(seed=1) == "no demo county; 0 transfers"
