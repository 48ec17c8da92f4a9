"""The appraisal on a hand-made quarter: each measure's count, weights and cut-offs, ratings
(named and anonymous, the scale, once per rater), the two-不称职 rule, objections, the
yearly appraisal."""

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.members.tests.factories import build_member
from gonghui.staffing.appraisals import selectors as appraisals_selectors
from gonghui.staffing.appraisals import services as appraisals_services
from gonghui.staffing.models import (
    Appraisal,
    Objection,
    Rating,
    RatingInvite,
    SocialWorker,
)
from gonghui.staffing.pay import services as pay_services
from gonghui.staffing.tests.factories import build_appraisal, build_worker
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

RULES = dict(
    computed_share=40,
    rater_weights={"chair": 40, "deputy": 20, "supervisor": 10, "workers": 30},
    targets=[
        {"measure": "members.joined", "target": 4, "weight": 50},
        {"measure": "members.joins_reviewed", "target": 2, "weight": 30},
        {"measure": "outreach.followups.done", "target": 9, "weight": 20},
    ],
    cutoff_excellent=90,
    cutoff_competent=75,
    cutoff_basic=60,
    bonus={"excellent": 600, "competent": 300, "basic": 0, "unfit": 0},
)


def _rules(tree, **changes):
    return pay_services.scheme_save(actor=None, county=tree.county, **(RULES | changes))


def _quarter_members(tree):
    """2026 Q1 under township A: three joined in the quarter (one in a sub-union), one the
    day after it ended, one in township B (another worker's)."""
    for org, day in (
        (tree.a, dt.date(2026, 1, 1)),
        (tree.a1, dt.date(2026, 2, 15)),
        (tree.ae, dt.date(2026, 3, 31)),
        (tree.a, dt.date(2026, 4, 1)),
        (tree.b, dt.date(2026, 2, 1)),
    ):
        build_member(org=org, joined_on=day)


def _rated(tree, worker, *, chair=None, deputy=None, worker_scores=()):
    appraisal = build_appraisal(worker=worker)
    if chair is not None:
        appraisals_services.rating_submit(
            actor=make_user("chair_a", "township_staff", tree.a),
            appraisal=appraisal,
            group="chair",
            score=chair,
        )
    if deputy is not None:
        appraisals_services.rating_submit(
            actor=make_user("deputy_a", "township_staff", tree.a),
            appraisal=appraisal,
            group="deputy",
            score=deputy,
        )
    tokens = appraisals_services.invites_issue(
        actor=None, appraisal=appraisal, count=len(worker_scores) or 1
    )
    for token, score in zip(tokens, worker_scores, strict=False):
        appraisals_services.rating_submit_anonymous(token=token, score=score)
    return appraisal


def _unfit(worker, quarter, year=2026):
    appraisal = build_appraisal(worker=worker, year=year, quarter=quarter)
    return appraisals_services.appraisal_publish(actor=None, appraisal=appraisal)


def _published_own(tree):
    user = make_user("sw_own", "social_worker", tree.a)
    worker = build_worker(org=tree.a, user=user)
    appraisal = build_appraisal(worker=worker)
    appraisals_services.appraisal_publish(
        actor=None, appraisal=appraisal, today=dt.date(2026, 4, 10)
    )
    appraisal.refresh_from_db()
    return user, appraisal


def test_the_computed_part_counts_each_measure_for_the_workers_orgs_in_the_period(tree):
    _rules(tree)
    _quarter_members(tree)
    worker = build_worker(org=tree.a)
    appraisal = build_appraisal(worker=worker, kind="quarter", year=2026, quarter=1)
    assert (appraisal.period_start, appraisal.period_end) == (
        dt.date(2026, 1, 1),
        dt.date(2026, 3, 31),
    )
    lines = {line["measure"]: line for line in appraisal.evidence}
    assert set(lines) == {"members.joined", "members.joins_reviewed", "outreach.followups.done"}
    assert lines["members.joined"]["count"] == 3
    assert lines["members.joined"]["target"] == 4
    assert lines["members.joins_reviewed"]["count"] == 0
    assert lines["members.joins_reviewed"]["url"].startswith("/members/join")
    # 50 × 3/4 + 30 × 0 + 20 × 0 = 37.5
    assert appraisal.computed_score == Decimal("37.50")
    shown = appraisals_selectors.evidence_lines(appraisal)
    assert [line["score"] for line in shown] == [Decimal("37.50"), Decimal(0), Decimal(0)]


def test_a_measure_removed_from_the_registry_later_shows_as_not_registered(tree, monkeypatch):
    """Saving refuses an unregistered code, but a module can be removed after the rules
    were saved: the appraisal still opens, the line says 未接入 and its weight is left out."""
    from gonghui.core import metrics

    _rules(tree)
    _quarter_members(tree)
    monkeypatch.delitem(metrics._REGISTRY, "outreach.followups.done")
    appraisal = build_appraisal(worker=build_worker(org=tree.a))
    # (50 × 3/4 + 30 × 0) / 80 × 100 = 46.875
    assert appraisal.computed_score == Decimal("46.88")
    shown = {line["measure"]: line for line in appraisals_selectors.evidence_lines(appraisal)}
    removed = shown["outreach.followups.done"]
    assert (removed["registered"], removed["count"], removed["score"]) == (False, None, None)
    assert removed["note"].startswith("未接入")
    assert shown["members.joined"]["score"] == Decimal("46.88")


def test_the_computed_part_reads_visits_and_transfers_of_the_worker_s_subtree(tree, users):
    """Hardship visits (assistance) and transfers decided (members) on a hand-made quarter:
    the worker's subtree only, the quarter's days only."""
    from gonghui.assistance.monitoring.tests.factories import archived
    from gonghui.assistance.visits.services import visit_record
    from gonghui.members.models import MembershipTransfer
    from gonghui.members.transfers.services import transfer_approve, transfer_request

    _rules(
        tree,
        targets=[
            {"measure": "assistance.visits_on_time", "target": 4, "weight": 50},
            {"measure": "members.transfers_decided", "target": 1, "weight": 50},
        ],
    )
    household_a, household_b = archived(tree.a1), archived(tree.b1)
    for archive, day in (
        (household_a, dt.date(2026, 1, 10)),
        (household_a, dt.date(2026, 3, 31)),
        (household_a, dt.date(2026, 4, 1)),  # the next quarter
        (household_b, dt.date(2026, 2, 1)),  # another worker's township
    ):
        visit_record(
            actor=users.county_admin,
            archive=archive,
            visited_on=day,
            findings="入户走访，了解家庭近况",
            visitor_names="社工",
        )
    for org, to in ((tree.b1, tree.a1), (tree.a1, tree.b1)):  # into A, out of A
        transfer = transfer_request(
            actor=users.county_admin, member=build_member(org=org), to_org=to, reason="工作调动"
        )
        transfer_approve(actor=users.county_admin, transfer=transfer)
    MembershipTransfer.objects.update(decided_at=dt.datetime(2026, 2, 1, 10, tzinfo=dt.UTC))
    appraisal = build_appraisal(worker=build_worker(org=tree.a))
    lines = {line["measure"]: line for line in appraisal.evidence}
    assert lines["assistance.visits_on_time"]["count"] == 2
    assert f"org={tree.a.pk}" in lines["assistance.visits_on_time"]["url"]
    assert lines["members.transfers_decided"]["count"] == 1  # by the receiving union
    # (50 × 2/4 + 50 × 1/1) = 75
    assert appraisal.computed_score == Decimal("75.00")


def test_a_period_is_opened_once_per_worker(tree, worker):
    build_appraisal(worker=worker)
    with pytest.raises(Conflict):
        build_appraisal(worker=worker)
    assert Appraisal.objects.count() == 1


def test_open_many_evaluates_each_measure_once_for_all_orgs(tree, django_assert_max_num_queries):
    _rules(tree)
    workers = [build_worker(org=org) for org in (tree.a, tree.b, tree.a, tree.b)]
    workers = list(
        SocialWorker.objects.select_related("org").filter(pk__in=[w.pk for w in workers])
    )
    with django_assert_max_num_queries(20):
        opened = appraisals_services.appraisals_open(
            actor=None, workers=workers, kind="year", year=2026
        )
    assert len(opened) == 4


def test_publishing_weights_the_ratings_and_applies_the_cut_offs(tree):
    _rules(tree)
    _quarter_members(tree)
    worker = build_worker(org=tree.a)
    appraisal = _rated(tree, worker, chair=90, deputy=80, worker_scores=(60, 70, 80))
    published = appraisals_services.appraisal_publish(
        actor=None, appraisal=appraisal, today=dt.date(2026, 4, 10)
    )
    # rated: (40×90 + 20×80 + 30×70) / 90 = 81.11 (the supervisor did not rate)
    assert published.rated_score == Decimal("81.11")
    # total: 37.50 × 40% + 81.11 × 60% = 15.00 + 48.666 = 63.67
    assert published.total == Decimal("63.67")
    assert published.result == "basic"
    assert published.objection_until == dt.date(2026, 4, 17)
    # Unused links die with the rating round.
    assert not RatingInvite.objects.filter(appraisal=appraisal, used=False).exists()


def test_changed_cut_offs_change_the_grade(tree):
    _rules(tree, cutoff_excellent=80, cutoff_competent=65, cutoff_basic=50)
    _quarter_members(tree)
    appraisal = _rated(tree, build_worker(org=tree.a), chair=90, deputy=80, worker_scores=(70,))
    assert (
        appraisals_services.appraisal_publish(actor=None, appraisal=appraisal).result == "competent"
    )


def test_changed_weights_change_the_rated_part(tree):
    _rules(tree, rater_weights={"chair": 100, "deputy": 0, "supervisor": 0, "workers": 0})
    appraisal = _rated(tree, build_worker(org=tree.a), chair=90, deputy=10, worker_scores=(10,))
    assert appraisals_services.appraisal_publish(actor=None, appraisal=appraisal).rated_score == 90


@pytest.mark.parametrize("score", ["101", "-1", "abc", "80.555", "NaN"])
def test_a_rating_outside_the_scale_is_refused_and_nothing_written(tree, worker, score):
    appraisal = build_appraisal(worker=worker)
    rater = make_user("rater", "township_staff", tree.a)
    with pytest.raises(ValidationFailed):
        appraisals_services.rating_submit(
            actor=rater, appraisal=appraisal, group="chair", score=score
        )
    (token,) = appraisals_services.invites_issue(actor=None, appraisal=appraisal, count=1)
    with pytest.raises(ValidationFailed):
        appraisals_services.rating_submit_anonymous(token=token, score=score)
    appraisal.refresh_from_db()
    assert not Rating.objects.exists()
    assert appraisal.worker_ratings == 0
    assert RatingInvite.objects.get().used is False


def test_a_second_rating_by_the_same_rater_is_refused(tree, worker):
    appraisal = build_appraisal(worker=worker)
    rater = make_user("rater", "township_staff", tree.a)
    appraisals_services.rating_submit(actor=rater, appraisal=appraisal, group="chair", score=88)
    with pytest.raises(Conflict, match="不能重复评议"):
        appraisals_services.rating_submit(
            actor=rater, appraisal=appraisal, group="deputy", score=60
        )
    assert list(Rating.objects.values_list("group", "score")) == [("chair", Decimal(88))]


def test_a_one_time_link_rates_once(tree, worker):
    appraisal = build_appraisal(worker=worker)
    (token,) = appraisals_services.invites_issue(actor=None, appraisal=appraisal, count=1)
    appraisals_services.rating_submit_anonymous(token=token, score=75)
    with pytest.raises(Conflict, match="每个链接只能评议一次"):
        appraisals_services.rating_submit_anonymous(token=token, score=10)
    with pytest.raises(Conflict):
        appraisals_services.rating_submit_anonymous(token="guessed-token", score=10)
    appraisal.refresh_from_db()
    assert (appraisal.worker_ratings, appraisal.worker_score_sum) == (1, Decimal(75))


def test_anonymous_ratings_are_never_attributable(tree, worker):
    appraisal = build_appraisal(worker=worker)
    tokens = appraisals_services.invites_issue(actor=None, appraisal=appraisal, count=2)
    before = AuditEvent.objects.count()
    appraisals_services.rating_submit_anonymous(token=tokens[0], score=61)
    appraisals_services.rating_submit_anonymous(token=tokens[1], score=99)
    # No row per rating: only the tally on the appraisal.
    assert not Rating.objects.exists()
    appraisal.refresh_from_db()
    assert (appraisal.worker_ratings, appraisal.worker_score_sum) == (2, Decimal(160))
    # The links keep no recipient, time or score; they are only spent.
    fields = {f.name for f in RatingInvite._meta.concrete_fields}
    assert fields == {"id", "appraisal", "token_hash", "used"}
    # The audit trail says a rating came in, with no author, address or score.
    events = list(AuditEvent.objects.order_by("id")[before:])
    assert len(events) == 2
    for event in events:
        assert event.user_id is None and event.username == "" and event.ip is None
        assert event.detail == {"what": "staffing_anonymous_rating"}
    # Screens show the group's mean only from three ratings on.
    summary = {row["group"]: row for row in appraisals_selectors.rating_summary(appraisal)}
    assert summary["workers"] == {"group": "workers", "count": 2, "mean": None}


def test_the_workers_mean_shows_only_once_published(tree, worker):
    """A running mean would give each new rating away (the difference of two readings)."""
    _rules(tree)
    appraisal = _rated(tree, worker, chair=80, worker_scores=(60, 70, 80))
    appraisal.refresh_from_db()
    summary = {row["group"]: row for row in appraisals_selectors.rating_summary(appraisal)}
    assert summary["workers"] == {"group": "workers", "count": 3, "mean": None}
    assert summary["chair"]["mean"] == Decimal(80)
    published = appraisals_services.appraisal_publish(actor=None, appraisal=appraisal)
    summary = {row["group"]: row for row in appraisals_selectors.rating_summary(published)}
    assert summary["workers"]["mean"] == Decimal(70)
    # (40 × 80 + 30 × 70) / 70 = 75.71
    assert published.rated_score == Decimal("75.71")


def test_fewer_than_three_worker_ratings_do_not_count_in_the_result(tree, worker):
    """With the named scores on screen, a rated part that included one or two worker
    ratings would give them away: they are left out and the other weights rescaled."""
    _rules(tree)
    appraisal = _rated(tree, worker, chair=90, deputy=80, worker_scores=(10, 20))
    published = appraisals_services.appraisal_publish(actor=None, appraisal=appraisal)
    # (40 × 90 + 20 × 80) / 60 = 86.67: the two worker ratings play no part
    assert published.rated_score == Decimal("86.67")
    summary = {row["group"]: row for row in appraisals_selectors.rating_summary(published)}
    assert summary["workers"] == {"group": "workers", "count": 2, "mean": None}


def test_the_worker_cannot_rate_their_own_appraisal(tree):
    user = make_user("sw_self", "township_staff", tree.a)
    appraisal = build_appraisal(worker=build_worker(org=tree.a, user=user))
    with pytest.raises(ValidationFailed, match="不能评议自己"):
        appraisals_services.rating_submit(actor=user, appraisal=appraisal, group="chair", score=100)
    assert not Rating.objects.exists()


def test_two_unfit_in_a_year_flag_the_contract(tree, worker):
    _rules(tree, targets=[{"measure": "members.joined", "target": 50, "weight": 100}])
    assert _unfit(worker, 1).result == "unfit"
    worker.refresh_from_db()
    assert worker.contract_review is False
    _unfit(worker, 2)
    worker.refresh_from_db()
    assert worker.contract_review is True
    assert worker.contract_review_reason == "2026年内两次考核不称职"


def test_unfit_in_two_different_years_do_not_flag(tree, worker):
    _rules(tree, targets=[{"measure": "members.joined", "target": 50, "weight": 100}])
    _unfit(worker, 4, year=2025)
    _unfit(worker, 1, year=2026)
    worker.refresh_from_db()
    assert worker.contract_review is False


def test_the_worker_objects_within_the_period_and_the_answer_is_kept(tree):
    user, appraisal = _published_own(tree)
    appraisals_services.objection_submit(
        actor=user, appraisal=appraisal, text="走访记录漏计", today=dt.date(2026, 4, 17)
    )
    with pytest.raises(Conflict, match="已对这次考核提出过异议"):
        appraisals_services.objection_submit(
            actor=user, appraisal=appraisal, text="再次", today=dt.date(2026, 4, 17)
        )
    answerer = make_user("answerer", "township_staff", tree.a)
    appraisals_services.objection_answer(
        actor=answerer, appraisal=appraisal, answer="已核实，维持原等次"
    )
    objection = Objection.objects.get()
    assert (objection.text, objection.answer, objection.answered_by) == (
        "走访记录漏计",
        "已核实，维持原等次",
        answerer,
    )
    with pytest.raises(Conflict):
        appraisals_services.objection_answer(actor=answerer, appraisal=appraisal, answer="改")


def test_an_objection_after_the_period_or_by_someone_else_is_refused(tree):
    user, appraisal = _published_own(tree)
    with pytest.raises(Conflict, match="异议期已于 2026-04-17 结束"):
        appraisals_services.objection_submit(
            actor=user, appraisal=appraisal, text="晚了", today=dt.date(2026, 4, 18)
        )
    other = make_user("other", "social_worker", tree.a)
    with pytest.raises(NotFound):
        appraisals_services.objection_submit(
            actor=other, appraisal=appraisal, text="代提", today=dt.date(2026, 4, 11)
        )
    assert not Objection.objects.exists()


def test_a_yearly_appraisal_counts_the_year_against_four_quarters_targets(tree, worker):
    _rules(tree, targets=[{"measure": "members.joined", "target": 2, "weight": 100}])
    for month in (1, 4, 7, 10):
        build_member(org=tree.a1, joined_on=dt.date(2026, month, 1))
    yearly = build_appraisal(worker=worker, kind="year", year=2026)
    (line,) = yearly.evidence
    assert (line["count"], line["target"]) == (4, 8)
    assert yearly.computed_score == Decimal("50.00")
    assert line["url"] == f"/members/?org={tree.a.pk}&joined_year=2026"
