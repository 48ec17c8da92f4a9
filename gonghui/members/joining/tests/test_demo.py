"""The online joining demo seeder: a few applications in every state, idempotent."""

import pytest

from gonghui.members.joining import demo as demo_join
from gonghui.members.models import JoinApplication, JoinStatus, Member
from gonghui.orgs import demo as orgs_demo

pytestmark = pytest.mark.django_db


def test_demo_join_seeds_each_state_once():
    orgs_demo.seed(seed=2026)
    first = demo_join.seed(seed=2026)
    counts = {s: JoinApplication.objects.filter(status=s).count() for s in JoinStatus.values}
    members = Member.objects.count()
    second = demo_join.seed(seed=2026)
    assert first.endswith(f"(+{len(demo_join.PLAN)})") and second.endswith("(+0)")
    assert counts[JoinStatus.PENDING] >= 3
    assert counts[JoinStatus.APPROVED] >= 1 and counts[JoinStatus.REJECTED] >= 1
    assert {
        s: JoinApplication.objects.filter(status=s).count() for s in JoinStatus.values
    } == counts
    assert Member.objects.count() == members
    approved = JoinApplication.objects.filter(status=JoinStatus.APPROVED)
    assert all(a.member_id and a.member.card_number for a in approved)


def test_demo_join_without_demo_county():
    assert demo_join.seed(seed=1) == "no demo county; 0 applications"
