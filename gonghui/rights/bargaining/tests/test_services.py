"""Bargaining offers: the 20-day reply clock, replies, talks (3–10 per side), outcomes; the
spring season's target list and its progress by township."""

from datetime import date as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.core.errors import ValidationFailed
from gonghui.orgs.models import EnterpriseStatus
from gonghui.rights.bargaining import selectors, services
from gonghui.rights.bargaining.models import (
    BargainingOffer,
    BargainingTalk,
    OfferOutcome,
    OfferReply,
    SeasonTarget,
    TargetReason,
)
from gonghui.rights.tests import factories

pytestmark = pytest.mark.django_db


def test_the_reply_is_due_twenty_days_after_the_offer_moved_off_holidays(employer_a):
    # sent 27 January 2026: day 20 is 16 February, in the Spring Festival break
    offer = factories.offer(employer_a, sent_on=D(2026, 1, 27))
    assert offer.reply_due == D(2026, 2, 24)
    assert not offer.reply_overdue_on(D(2026, 2, 24))
    assert offer.reply_overdue_on(D(2026, 2, 25))
    # sent 3 March: day 20 is Monday 23 March, a working day
    other = factories.offer(
        factories.union_enterprise(parent=employer_a.org.parent), sent_on=D(2026, 3, 3)
    )
    assert other.reply_due == D(2026, 3, 23)


def test_a_reply_dated_before_the_offer_is_refused_and_nothing_is_written(employer_a):
    offer = factories.offer(employer_a, sent_on=D(2026, 3, 3))
    with pytest.raises(ValidationFailed) as refused:
        services.offer_reply_record(
            actor=None, offer=offer, replied_on=D(2026, 3, 2), reply=OfferReply.ACCEPTED
        )
    assert "不能早于要约日期" in refused.value.fields["replied_on"][0]
    offer.refresh_from_db()
    assert offer.replied_on is None and offer.reply == ""


def test_one_open_offer_per_employer(employer_a):
    factories.offer(employer_a)
    with pytest.raises(ValidationFailed) as refused:
        factories.offer(employer_a, sent_on=D(2026, 3, 5))
    assert "进行中的要约" in refused.value.fields["enterprise"][0]
    assert BargainingOffer.objects.count() == 1


@pytest.mark.parametrize(
    ("union", "employer", "ok"),
    [(3, 3, True), (10, 10, True), (2, 2, False), (11, 11, False), (3, 4, False)],
)
def test_talks_have_three_to_ten_representatives_a_side_in_equal_numbers(
    employer_a, union, employer, ok
):
    offer = factories.offer(employer_a)
    services.offer_reply_record(
        actor=None, offer=offer, replied_on=D(2026, 3, 10), reply=OfferReply.ACCEPTED
    )
    call = dict(
        actor=None,
        offer=offer,
        held_on=D(2026, 3, 20),
        union_reps=union,
        employer_reps=employer,
        minutes="第一轮",
    )
    if ok:
        assert services.talk_add(**call).round == 1
    else:
        with pytest.raises(ValidationFailed):
            services.talk_add(**call)
        assert BargainingTalk.objects.count() == 0


def test_an_outcome_closes_the_offer(employer_a):
    offer = factories.offer(employer_a)
    services.offer_conclude(actor=None, offer=offer, outcome=OfferOutcome.SIGNED, on=D(2026, 4, 1))
    with pytest.raises(ValidationFailed):
        services.offer_reply_record(
            actor=None, offer=offer, replied_on=D(2026, 4, 2), reply=OfferReply.ACCEPTED
        )


def test_the_season_targets_employers_with_a_union_and_no_contract_beyond_its_end(tree, on_day):
    on_day(D(2026, 12, 7))
    make = factories.union_enterprise
    no_contract = make(parent=tree.a, name="无合同")
    expiring = make(parent=tree.a, name="将到期")
    factories.contract(
        expiring, signed_on=D(2024, 3, 20), years=2, filed_on=D(2024, 3, 22)
    )  # ended 2026-03-19
    expiring_in = make(parent=tree.b, name="季内到期")
    factories.contract(
        expiring_in,
        signed_on=D(2024, 4, 1),
        start_on=D(2024, 4, 15),
        years=3,
        filed_on=D(2024, 4, 3),
    )  # ends 2027-04-14
    covered = make(parent=tree.a, name="已覆盖")
    factories.contract(covered, signed_on=D(2026, 1, 5), years=3, filed_on=D(2026, 1, 6))
    pending = make(parent=tree.b, name="待报送")
    factories.contract(pending, signed_on=D(2026, 11, 30), years=2)  # signed, not filed yet: counts
    from gonghui.testing.fixtures import build_enterprise

    no_union = build_enterprise(org=tree.a, has_union=False)
    closed = make(parent=tree.a, name="已注销")
    closed.status = EnterpriseStatus.CLOSED
    closed.save()
    season = services.season_open(
        actor=None,
        org=tree.county,
        name="2027年春季要约行动",
        kind="spring",
        year=2027,
        starts_on=D(2027, 3, 1),
        ends_on=D(2027, 5, 31),
    )
    targets = {t.enterprise_id: t for t in SeasonTarget.objects.filter(season=season)}
    assert set(targets) == {no_contract.pk, expiring.pk, expiring_in.pk}
    assert targets[no_contract.pk].reason == TargetReason.NO_CONTRACT
    assert targets[expiring.pk].reason == TargetReason.NO_CONTRACT  # its contract ended in 2026
    assert targets[expiring_in.pk].reason == TargetReason.EXPIRING
    assert targets[expiring_in.pk].contract_end_on == D(2027, 4, 14)
    assert covered.pk not in targets and pending.pk not in targets
    assert no_union.pk not in targets and closed.pk not in targets
    # the township works its part of the list: an offer links itself to the target
    offer = services.offer_send(
        actor=None,
        enterprise=no_contract,
        subject="签订集体合同",
        sent_on=D(2026, 12, 7),
        season=season,
    )
    assert SeasonTarget.objects.get(season=season, enterprise=no_contract).offer == offer


def test_progress_by_township_counts_offered_replied_signed_and_overdue(tree, users, on_day):
    on_day(D(2026, 4, 30))
    make = factories.union_enterprise
    a_firms = [make(parent=tree.a) for _ in range(4)]
    b_firms = [make(parent=tree.b) for _ in range(2)]
    season = services.season_open(
        actor=None,
        org=tree.county,
        name="春季行动",
        kind="spring",
        year=2026,
        starts_on=D(2026, 3, 1),
        ends_on=D(2026, 5, 31),
    )
    sent = [
        services.offer_send(
            actor=None, enterprise=e, subject="要约", sent_on=D(2026, 3, 2), season=season
        )
        for e in a_firms[:3]
    ]
    services.offer_reply_record(
        actor=None, offer=sent[0], replied_on=D(2026, 3, 10), reply=OfferReply.ACCEPTED
    )
    services.offer_conclude(
        actor=None, offer=sent[0], outcome=OfferOutcome.SIGNED, on=D(2026, 4, 20)
    )
    services.offer_reply_record(
        actor=None, offer=sent[1], replied_on=D(2026, 3, 12), reply=OfferReply.REFUSED
    )
    services.offer_send(
        actor=None, enterprise=b_firms[0], subject="要约", sent_on=D(2026, 4, 20), season=season
    )
    with CaptureQueriesContext(connection) as queries:
        rows = {r.name: r for r in selectors.season_progress(users.county_staff, season)}
    assert len(queries) <= 4
    a, b = rows["甲镇总工会"], rows["乙镇总工会"]
    assert (a.targets, a.offered, a.replied, a.signed, a.overdue) == (4, 3, 2, 1, 1)
    assert (b.targets, b.offered, b.replied, b.signed, b.overdue) == (2, 1, 0, 0, 0)
    # the township's staff see their own township only
    own = selectors.season_progress(users.township_staff, season)
    assert [r.name for r in own] == ["甲镇总工会"]


def test_a_season_needs_its_dates_in_order(tree):
    with pytest.raises(ValidationFailed) as refused:
        services.season_open(
            actor=None,
            org=tree.county,
            name="行动",
            kind="spring",
            year=2026,
            starts_on=D(2026, 5, 1),
            ends_on=D(2026, 3, 1),
        )
    assert "ends_on" in refused.value.fields
