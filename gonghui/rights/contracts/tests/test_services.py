"""Collective contracts: the congress vote (Art. 36), the 1–3 year term, the 10-day filing and
15-day review clocks over holidays, renewal within 3 months before expiry, scope."""

from datetime import date as D

import pytest

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.rights.contracts import services
from gonghui.rights.contracts.models import CollectiveContract, ContractStatus, ReviewResult
from gonghui.rights.tests import factories

pytestmark = pytest.mark.django_db


def _fields(employer, **overrides):
    data = dict(
        kind="comprehensive",
        title="集体合同",
        union_party="工会",
        employer_party=employer.name,
        workers_covered=80,
        start_on=D(2026, 3, 1),
        end_on=D(2029, 2, 28),
        signed_on=D(2026, 3, 2),
        congress_on=D(2026, 2, 27),
        congress_total=60,
        congress_present=40,
        congress_for=31,
        enterprise=employer,
    )
    data.update(overrides)
    return data


def test_the_vote_needs_two_thirds_present_and_more_than_half_of_all(employer_a):
    # 40 of 60 present is exactly two thirds; 31 of 60 is more than half of ALL
    made = services.contract_register(actor=None, **_fields(employer_a))
    assert made.pk and services.vote_check(total=60, present=40, approving=31).passed
    # 30 approvals are a majority of those present (40) but not of all 60 representatives
    with pytest.raises(ValidationFailed) as refused:
        services.contract_register(actor=None, **_fields(employer_a, congress_for=30))
    assert "全体代表半数以上" in refused.value.fields["congress_for"][0]
    assert "至少 31 票" in refused.value.fields["congress_for"][0]
    # 39 of 60 present is short of two thirds
    with pytest.raises(ValidationFailed) as short:
        services.contract_register(actor=None, **_fields(employer_a, congress_present=39))
    assert "三分之二" in short.value.fields["congress_present"][0]
    assert CollectiveContract.objects.count() == 1


def test_every_problem_is_reported_at_once_and_nothing_is_written(employer_a):
    with pytest.raises(ValidationFailed) as refused:
        services.contract_register(
            actor=None,
            **_fields(
                employer_a,
                end_on=D(2029, 3, 1),  # 3 years and a day
                congress_on=D(2026, 3, 5),  # after signing
                congress_present=70,  # more than the representatives
            ),
        )
    assert set(refused.value.fields) >= {"end_on", "congress_on", "congress_present"}
    assert "1 至 3 年" in refused.value.fields["end_on"][0]
    assert CollectiveContract.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="rights.CollectiveContract").exists()


@pytest.mark.parametrize(
    ("end_on", "ok"),
    [
        (D(2027, 2, 28), True),  # exactly one year
        (D(2027, 2, 27), False),  # a day short of one year
        (D(2029, 2, 28), True),  # exactly three years
        (D(2029, 3, 1), False),  # over three years
    ],
)
def test_the_term_is_one_to_three_years(employer_a, end_on, ok):
    data = _fields(employer_a, end_on=end_on)
    if ok:
        assert services.contract_register(actor=None, **data).end_on == end_on
    else:
        with pytest.raises(ValidationFailed):
            services.contract_register(actor=None, **data)


def test_the_filing_clock_runs_ten_days_from_the_day_after_signing_over_the_spring_festival(
    employer_a,
):
    # signed 5 February 2026: day 10 is 15 February, in the Spring Festival break (15–23)
    made = services.contract_register(
        actor=None,
        **_fields(
            employer_a,
            signed_on=D(2026, 2, 5),
            congress_on=D(2026, 2, 3),
            start_on=D(2026, 2, 5),
            end_on=D(2029, 2, 4),
        ),
    )
    assert made.filing_due == D(2026, 2, 24)
    assert not services.contract_filing_late(made, D(2026, 2, 24))
    assert services.contract_filing_late(made, D(2026, 2, 25))


def test_a_filing_date_before_signing_is_refused(employer_a):
    made = factories.contract(employer_a)
    with pytest.raises(ValidationFailed) as refused:
        services.contract_file(
            actor=None, contract=made, filed_on=D(2026, 3, 1), department="人社局"
        )
    assert "不能早于签订日期" in refused.value.fields["filed_on"][0]
    made.refresh_from_db()
    assert made.status == ContractStatus.SIGNED and made.filed_on is None


def test_silence_through_the_fifteen_day_review_puts_the_contract_in_force(employer_a):
    made = factories.contract(employer_a, signed_on=D(2026, 9, 8), start_on=D(2026, 9, 8))
    filed = services.contract_file(
        actor=None, contract=made, filed_on=D(2026, 9, 10), department="县人社局"
    )
    # day 15 is 25 September (Mid-Autumn, 25–27): the review runs to the 28th
    assert filed.review_due == D(2026, 9, 28)
    assert filed.effective_on == D(2026, 9, 29)
    assert not filed.in_force_on(D(2026, 9, 28))
    assert filed.in_force_on(D(2026, 9, 29))
    # an objection after the review period is too late
    with pytest.raises(ValidationFailed) as late:
        services.contract_review_record(
            actor=None,
            contract=filed,
            result=ReviewResult.OBJECTED,
            reviewed_on=D(2026, 9, 29),
            note="x",
        )
    assert "依法生效" in late.value.fields["reviewed_on"][0]


def test_an_approval_within_the_review_puts_it_in_force_that_day(employer_a):
    made = factories.contract(employer_a, filed_on=D(2026, 3, 4))
    approved = services.contract_review_record(
        actor=None, contract=made, result=ReviewResult.APPROVED, reviewed_on=D(2026, 3, 10)
    )
    assert approved.status == ContractStatus.EFFECTIVE
    assert approved.in_force_on(D(2026, 3, 10))


def test_renewal_may_be_asked_only_within_three_months_before_expiry(employer_a, on_day):
    made = factories.contract(
        employer_a, signed_on=D(2024, 1, 10), years=3, filed_on=D(2024, 1, 12)
    )
    assert made.end_on == D(2027, 1, 9)
    assert services.renewal_opens_on(made.end_on) == D(2026, 10, 9)
    on_day(D(2026, 12, 7))
    with pytest.raises(ValidationFailed) as early:
        services.contract_renewal_request(actor=None, contract=made, on=D(2026, 10, 8))
    assert "最早 2026-10-09" in early.value.fields["on"][0]
    offer = services.contract_renewal_request(actor=None, contract=made, on=D(2026, 10, 9))
    assert offer.enterprise == employer_a
    assert offer.reply_due == D(2026, 10, 29)
    made.refresh_from_db()
    assert made.renewal_requested_on == D(2026, 10, 9)


def test_a_contract_outside_the_actors_scope_is_refused(users, employer_b):
    with pytest.raises(ValidationFailed) as refused:
        services.contract_register(actor=users.township_staff, **_fields(employer_b))
    assert "数据范围" in refused.value.fields["org"][0]
    assert CollectiveContract.objects.count() == 0
    made = factories.contract(employer_b)
    with pytest.raises(NotFound):
        services.contract_file(
            actor=users.township_staff, contract=made, filed_on=D(2026, 3, 4), department="x"
        )


def test_a_regional_contract_covers_many_employers(tree, employer_a):
    from gonghui.rights.tests.factories import union_enterprise

    other = union_enterprise(parent=tree.a)
    made = services.contract_register(
        actor=None,
        **_fields(
            employer_a,
            kind="regional",
            enterprise=None,
            covered=[employer_a, other],
            org=tree.a,
        ),
    )
    assert made.org == tree.a and made.enterprise is None
    assert set(made.coverage.values_list("enterprise_id", flat=True)) == {employer_a.pk, other.pk}
    with pytest.raises(ValidationFailed) as missing:
        services.contract_register(
            actor=None,
            **_fields(employer_a, kind="regional", enterprise=None, covered=[], org=tree.a),
        )
    assert "covered" in missing.value.fields


def test_dates_in_the_future_are_refused(employer_a, on_day):
    on_day(D(2026, 3, 1))
    with pytest.raises(ValidationFailed) as refused:
        services.contract_register(actor=None, **_fields(employer_a))
    assert "signed_on" in refused.value.fields


def test_contract_measures_count_the_state_on_the_chosen_day_not_today(employer_a, tree):
    """A contract that ran 2023-03-02 → 2026-03-01 is in force on 2025-06-30 and no longer
    today: the dashboard or a return as of a past day counts it (and its workers), and its
    expiry three months ahead of 2026-01-15."""
    from gonghui.core import metrics
    from gonghui.core.metrics import Period

    factories.contract(employer_a, signed_on=D(2023, 3, 2), filed_on=D(2023, 3, 3), workers=80)
    orgs = [tree.county]
    past, expiring_then = Period.as_of(D(2025, 6, 30)), Period.as_of(D(2026, 1, 15))

    def value(code, period):
        return metrics.evaluate(code, orgs=orgs, period=period)[tree.county.pk].value

    assert value("rights.contracts.in_force", past) == 1
    assert value("rights.contracts.workers_covered", past) == 80
    assert value("rights.contracts.employers_covered", past) == 1
    assert value("rights.contracts.in_force", None) == 0  # today
    assert value("rights.contracts.expiring", expiring_then) == 1
    assert value("rights.contracts.expiring", past) == 0
    batch = metrics.evaluate_many([("rights.contracts.in_force", orgs, past)])
    assert batch[("rights.contracts.in_force", past)][tree.county.pk].value == 1
    assert not metrics.undated("rights.contracts.in_force")

    # A contract terminated since was in force on the days before its termination.
    ended = factories.contract(
        employer_a, signed_on=D(2025, 1, 6), filed_on=D(2025, 1, 7), workers=30
    )
    ended = services.contract_terminate(
        actor=None, contract=ended, on=D(2026, 2, 1), reason="企业改制"
    )
    assert ended.in_force_on(D(2026, 1, 31)) and not ended.in_force_on(D(2026, 2, 1))
    assert value("rights.contracts.workers_covered", past) == 80 + 30
    on_the_day = Period.as_of(D(2026, 2, 1))  # the first still runs, the second has ended
    assert value("rights.contracts.workers_covered", on_the_day) == 80
