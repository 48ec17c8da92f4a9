"""Grants: propose, approve in batch (all or nothing), budget never overspent, no double
payment across programmes, disbursement, cancellation, sub-allocations."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from gonghui.assistance.models import Grant, ProgrammeBudget
from gonghui.assistance.programmes import services
from gonghui.assistance.programmes.tests.factories import (
    approved,
    archived,
    child,
    programme_in,
    proposed,
)
from gonghui.audit.models import AuditEvent
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from gonghui.testing.fixtures import make_tree, make_user

pytestmark = pytest.mark.django_db


def _budget(programme, org=None):
    return ProgrammeBudget.objects.get(programme=programme, org=org or programme.org)


def test_proposal_records_the_amount_and_reason(tree, users):
    # Given an archived DEEP household in A1 and the county's 送温暖
    household = archived(tree.a1)
    programme = programme_in(tree.county)
    # When township staff propose it
    (grant,) = proposed(programme, household, actor=users.township_staff)
    # Then the grant is pending with the rule's amount and why
    assert grant.status == "proposed"
    assert grant.amount == Decimal("1000")
    assert "深度困难" in grant.reason
    assert grant.need_key == f"warmth:{household.pk}:{programme.year}:household"
    assert grant.budget == _budget(programme)


def test_schooling_proposes_one_grant_per_child(tree):
    household = archived(tree.a1)
    child(household, "primary", "甲")
    child(household, "senior", "乙")
    programme = programme_in(tree.county, kind="schooling")
    created = proposed(programme, household)
    assert sorted(g.amount for g in created) == [Decimal("500"), Decimal("1000")]
    assert {g.household_member.name for g in created} == {"甲", "乙"}


def test_eligible_list_leaves_out_needs_already_helped(tree, users):
    from gonghui.assistance.programmes.selectors import programme_eligible

    first, second = archived(tree.a1), archived(tree.a1)
    programme = programme_in(tree.county)
    proposed(programme, first)
    rows = programme_eligible(users.county_staff, programme)
    assert [r.archive.pk for r in rows] == [second.pk]
    assert rows[0].candidate.amount == Decimal("1000")


def test_household_outside_the_actors_edit_scope_cannot_be_proposed(tree, users):
    household = archived(tree.b1)
    programme = programme_in(tree.county)
    with pytest.raises(NotFound):
        proposed(programme, household, actor=users.township_staff)
    assert not Grant.objects.exists()


def test_a_not_archived_household_is_refused(tree):
    from gonghui.assistance.archives.tests.factories import build_archive

    applied = build_archive(org=tree.a1)
    programme = programme_in(tree.county)
    with pytest.raises(ValidationFailed, match="不是在档困难职工"):
        proposed(programme, applied)


def test_the_same_need_is_not_paid_twice_across_programmes(tree):
    # Given a household already granted by the county's 送温暖 this year
    household = archived(tree.a1)
    county = programme_in(tree.county, name="县总送温暖")
    (earlier,) = approved(county, household)
    township = programme_in(tree.a, name="甲镇送温暖")
    # When the township's 送温暖 proposes the same household
    with pytest.raises(Conflict) as caught:
        proposed(township, household)
    # Then it is refused naming the earlier grant, and nothing is written
    assert f"第 {earlier.pk} 号发放" in caught.value.message
    assert "县总送温暖" in caught.value.message
    assert caught.value.code == "need_already_paid"
    assert Grant.objects.filter(programme=township).count() == 0


def test_a_cancelled_grant_frees_the_need(tree):
    household = archived(tree.a1)
    county = programme_in(tree.county)
    (earlier,) = proposed(county, household)
    services.grant_cancel(actor=None, grant=earlier, reason="重复申报")
    township = programme_in(tree.a)
    assert len(proposed(township, household)) == 1


def test_different_needs_of_one_household_are_both_paid(tree):
    household = archived(tree.a1)
    assert proposed(programme_in(tree.county, kind="warmth"), household)
    assert proposed(programme_in(tree.county, kind="living"), household)


def test_database_refuses_a_second_live_grant_for_one_need(tree):
    from django.db import IntegrityError, transaction

    household = archived(tree.a1)
    (grant,) = proposed(programme_in(tree.county), household)
    clone = Grant.objects.get(pk=grant.pk)
    clone.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        clone.save()


def test_batch_approval_commits_the_budget(tree, users):
    households = [archived(tree.a1) for _ in range(2)]
    programme = programme_in(tree.county, budget="2000")
    ids = [proposed(programme, h)[0].pk for h in households]
    done = services.grants_approve(actor=users.county_staff, grant_ids=ids)
    assert {g.status for g in done} == {"approved"}
    assert len({g.approval_batch for g in done}) == 1
    budget = _budget(programme)
    assert budget.committed == Decimal("2000")
    assert budget.available == 0
    assert AuditEvent.objects.filter(action="approved").count() >= 2


def _state(programme):
    return (
        list(
            Grant.objects.filter(programme=programme)
            .order_by("pk")
            .values_list("status", "approved_on")
        ),
        list(
            ProgrammeBudget.objects.filter(programme=programme).values_list("committed", "version")
        ),
    )


def test_approval_over_budget_is_refused_and_nothing_changes(tree, users):
    # Given 1,500 of budget and two 1,000 grants
    households = [archived(tree.a1) for _ in range(2)]
    programme = programme_in(tree.county, budget="1500")
    ids = [proposed(programme, h)[0].pk for h in households]
    before = _state(programme)
    # When both are approved in one batch
    with pytest.raises(ValidationFailed) as caught:
        services.grants_approve(actor=users.county_staff, grant_ids=ids)
    # Then the whole batch is refused, every grant still pending
    assert caught.value.code == "budget_exceeded"
    assert "预算余额 1,500.00 元，本批需 2,000.00 元" in caught.value.message
    assert _state(programme) == before


def test_a_batch_with_one_refused_grant_leaves_nothing_half_done(tree, users):
    # Given three pending grants, one of which someone else already cancelled
    households = [archived(tree.a1) for _ in range(3)]
    programme = programme_in(tree.county, budget="10000")
    ids = [proposed(programme, h)[0].pk for h in households]
    services.grant_cancel(actor=None, grant=Grant.objects.get(pk=ids[1]), reason="已迁出")
    before = _state(programme)
    # When the three are approved together
    with pytest.raises(Conflict) as caught:
        services.grants_approve(actor=users.county_staff, grant_ids=ids)
    # Then none is approved and the budget is untouched
    assert caught.value.code == "batch_refused"
    assert "已取消" in caught.value.message
    assert _state(programme) == before


def test_township_cannot_approve_spending_of_the_county_budget(tree, users):
    household = archived(tree.a1)
    programme = programme_in(tree.county)
    (grant,) = proposed(programme, household)
    with pytest.raises(Conflict, match="您无权审批"):
        services.grants_approve(actor=users.township_staff, grant_ids=[grant.pk])
    assert Grant.objects.get(pk=grant.pk).status == "proposed"


def test_township_approves_from_its_own_allocation(tree, users):
    household = archived(tree.a1)
    programme = programme_in(tree.county, budget="5000")
    services.budget_allocate(
        actor=users.county_staff, programme=programme, org=tree.a, amount="1000"
    )
    (grant,) = proposed(programme, household)
    assert grant.budget.org == tree.a
    services.grants_approve(actor=users.township_staff, grant_ids=[grant.pk])
    assert _budget(programme, tree.a).committed == Decimal("1000")
    assert _budget(programme).committed == 0
    assert _budget(programme).allocated == Decimal("1000")


def test_sub_allocations_cannot_exceed_the_parent(tree, users):
    programme = programme_in(tree.county, budget="3000")
    services.budget_allocate(actor=None, programme=programme, org=tree.a, amount="2000")
    with pytest.raises(ValidationFailed, match="可分配余额为 1,000.00 元"):
        services.budget_allocate(actor=None, programme=programme, org=tree.b, amount="1500")
    assert not ProgrammeBudget.objects.filter(programme=programme, org=tree.b).exists()
    assert _budget(programme).allocated == Decimal("2000")


def test_an_allocation_cannot_drop_below_what_it_committed(tree):
    household = archived(tree.a1)
    programme = programme_in(tree.county, budget="5000")
    services.budget_allocate(actor=None, programme=programme, org=tree.a, amount="2000")
    approved(programme, household)
    with pytest.raises(ValidationFailed, match="不能低于两者之和"):
        services.budget_allocate(actor=None, programme=programme, org=tree.a, amount="500")
    services.budget_allocate(actor=None, programme=programme, org=tree.a, amount="1000")
    assert _budget(programme).allocated == Decimal("1000")


def test_the_database_refuses_an_overspent_budget_row(tree):
    from django.db import IntegrityError, transaction

    programme = programme_in(tree.county, budget="100")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeBudget.objects.filter(programme=programme).update(committed=Decimal("100.01"))


def test_disbursement_by_bank_keeps_the_archives_account(tree, users):
    household = archived(tree.a1)
    programme = programme_in(tree.county)
    (grant,) = approved(programme, household)
    paid = services.grant_disburse(actor=users.county_staff, grant=grant, method="bank")
    assert paid.status == "disbursed"
    assert paid.bank_account == household.bank_account
    assert paid.bank_account_last4 == household.bank_account[-4:]
    assert paid.disbursed_by == users.county_staff


def test_cash_disbursement_needs_who_received_it(tree, users):
    household = archived(tree.a1)
    (grant,) = approved(programme_in(tree.county), household)
    with pytest.raises(ValidationFailed) as caught:
        services.grant_disburse(actor=users.county_staff, grant=grant, method="cash")
    assert "handled_by" in caught.value.fields
    paid = services.grant_disburse(
        actor=users.county_staff, grant=grant, method="cash", handled_by="本人"
    )
    assert paid.handled_by == "本人"


def test_only_approved_grants_are_disbursed_and_paid_ones_not_cancelled(tree, users):
    household = archived(tree.a1)
    (grant,) = proposed(programme_in(tree.county), household)
    with pytest.raises(Conflict, match="只有已审批"):
        services.grant_disburse(actor=users.county_staff, grant=grant, method="bank")
    services.grants_approve(actor=None, grant_ids=[grant.pk])
    services.grant_disburse(actor=None, grant=grant, method="bank")
    with pytest.raises(Conflict, match="不能取消"):
        services.grant_cancel(actor=users.county_staff, grant=grant, reason="误发")


def test_cancelling_an_approved_grant_releases_its_budget(tree, users):
    household = archived(tree.a1)
    programme = programme_in(tree.county)
    (grant,) = approved(programme, household)
    assert _budget(programme).committed == Decimal("1000")
    with pytest.raises(PermissionDenied):
        services.grant_cancel(actor=users.social_worker, grant=grant, reason="迁出")
    services.grant_cancel(actor=users.county_staff, grant=grant, reason="迁出")
    assert _budget(programme).committed == 0


def test_medical_grant_uses_the_cost_entered(tree):
    household = archived(tree.a1)
    programme = programme_in(tree.county, kind="medical")
    (grant,) = services.grants_propose(
        actor=None, programme=programme, selections=[(household.pk, None)], need_amount="30000"
    )
    assert grant.amount == Decimal("10000")
    assert grant.need_amount == Decimal("30000")
    assert "按封顶发放" in grant.reason


def test_a_new_rule_version_applies_to_new_proposals_only(tree):
    first, second = archived(tree.a1), archived(tree.a1)
    programme = programme_in(tree.county)
    (old,) = proposed(programme, first)
    rule = services.programme_rule_set(
        actor=None,
        programme=programme,
        eligibility={"categories": ["deep"], "requires": "none"},
        amount={"type": "fixed", "amount": "300"},
    )
    (new,) = proposed(programme, second)
    assert (old.amount, old.rule.version) == (Decimal("1000"), 1)
    assert (new.amount, new.rule_id) == (Decimal("300"), rule.pk)


def test_aid_paid_stats_by_programme_and_org(tree, users):
    from datetime import date

    from gonghui.assistance.programmes.selectors import aid_paid_stats

    a_household, b_household = archived(tree.a1), archived(tree.b1)
    warmth = programme_in(tree.county, name="送温暖")
    living = programme_in(tree.county, kind="living", name="生活救助")
    for programme, household in (
        (warmth, a_household),
        (warmth, b_household),
        (living, a_household),
    ):
        (grant,) = approved(programme, household)
        services.grant_disburse(actor=None, grant=grant, method="bank")
    county = aid_paid_stats(users.county_staff, year=date.today().year)
    assert county["total"] == Decimal("4000")
    assert county["count"] == 3 and county["households"] == 2
    # equal amounts: the older programme first
    assert [
        (r["name"], r["kind_display"], r["amount"], r["count"]) for r in county["by_programme"]
    ] == [
        ("送温暖", "送温暖", Decimal("2000"), 2),
        ("生活救助", "生活救助", Decimal("2000"), 1),
    ]
    assert county["by_paying_org"] == [
        {
            "org_id": tree.county.pk,
            "org_name": tree.county.name,
            "amount": Decimal("4000"),
            "count": 3,
        }
    ]
    assert {r["org_name"]: r["amount"] for r in county["by_org"]} == {
        tree.a1.name: Decimal("3000"),
        tree.b1.name: Decimal("1000"),
    }
    township = aid_paid_stats(users.township_staff, year=date.today().year)
    assert township["total"] == Decimal("3000")
    assert aid_paid_stats(users.county_staff, year=2000)["count"] == 0


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_overspend_the_budget():
    # Given a 1,500 budget and two pending 1,000 grants, approved at the same time
    tree = make_tree()
    approver = make_user("pg_approver", "county_staff", tree.county)
    households = [archived(tree.a1) for _ in range(2)]
    programme = programme_in(tree.county, budget="1500")
    ids = [proposed(programme, h)[0].pk for h in households]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def approve(grant_id):
        try:
            barrier.wait(timeout=10)
            services.grants_approve(actor=approver, grant_ids=[grant_id])
            outcomes.append("approved")
        except ValidationFailed as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    # Then exactly one wins; the budget holds exactly one grant
    assert sorted(outcomes) == ["approved", "budget_exceeded"]
    assert _budget(programme).committed == Decimal("1000")
    assert Grant.objects.filter(status="approved").count() == 1
