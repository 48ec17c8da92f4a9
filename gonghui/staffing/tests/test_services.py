"""Staffing services: the county's rules, the appraisal on a hand-made quarter, ratings
(named and anonymous), publishing, the two-不称职 rule, objections, pay and promotion."""

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.audit.models import AuditEvent
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.members.tests.factories import build_member
from gonghui.staffing import selectors, services
from gonghui.staffing.models import (
    Appraisal,
    Objection,
    Rating,
    RatingInvite,
    SocialWorker,
    StaffingScheme,
)
from gonghui.staffing.tests.factories import build_appraisal, build_worker
from gonghui.testing.fixtures import make_user

pytestmark = pytest.mark.django_db

RULES = dict(
    computed_share=40,
    rater_weights={"chair": 40, "deputy": 20, "supervisor": 10, "workers": 30},
    targets=[
        {"measure": "members.joined", "target": 4, "weight": 50},
        {"measure": "members.joins_reviewed", "target": 2, "weight": 30},
        {"measure": "outreach.not_landed_yet", "target": 9, "weight": 20},
    ],
    cutoff_excellent=90,
    cutoff_competent=75,
    cutoff_basic=60,
    bonus={"excellent": 600, "competent": 300, "basic": 0, "unfit": 0},
)


def _rules(tree, **changes):
    return services.scheme_save(actor=None, county=tree.county, **(RULES | changes))


# --- rules --------------------------------------------------------------------------------


def test_rater_weights_must_sum_to_100_and_nothing_is_written(tree):
    weights = {"chair": 40, "deputy": 20, "supervisor": 10, "workers": 20}
    with pytest.raises(ValidationFailed) as caught:
        _rules(tree, rater_weights=weights)
    assert "各类评议人的权重合计须为 100%，现为 90%。" in caught.value.fields["rater_weights"]
    assert not StaffingScheme.objects.exists()
    assert not AuditEvent.objects.filter(detail__what="staffing_scheme").exists()


def test_every_problem_of_the_rules_is_reported_at_once(tree):
    with pytest.raises(ValidationFailed) as caught:
        _rules(
            tree,
            computed_share=120,
            targets=[{"measure": "members.joined", "target": 4, "weight": 60}],
            cutoff_excellent=70,
            cutoff_competent=75,
        )
    fields = caught.value.fields
    assert fields["computed_share"] == ["实绩考核占比须在 0–100 之间。"]
    assert fields["targets"] == ["实绩指标的权重合计须为 100%，现为 60%。"]
    assert fields["cutoff_competent"] == ["分数线须依次降低：优秀 > 称职 > 基本称职。"]
    assert not StaffingScheme.objects.exists()


def test_rules_are_set_at_county_level_only(tree):
    with pytest.raises(ValidationFailed):
        services.scheme_save(actor=None, county=tree.a, **RULES)
    scheme = _rules(tree)
    assert selectors.scheme_for(tree.a1).pk == scheme.pk


# --- the appraisal on a hand-made quarter -------------------------------------------------


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
    # The measure of a module not yet landed is skipped; the others keep their targets.
    assert set(lines) == {"members.joined", "members.joins_reviewed"}
    assert lines["members.joined"]["count"] == 3
    assert lines["members.joined"]["target"] == 4
    assert lines["members.joins_reviewed"]["count"] == 0
    assert lines["members.joins_reviewed"]["url"].startswith("/members/join")
    # (50 × 3/4 + 30 × 0) / 80 × 100 = 46.875
    assert appraisal.computed_score == Decimal("46.88")


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
        opened = services.appraisals_open(actor=None, workers=workers, kind="year", year=2026)
    assert len(opened) == 4


def _rated(tree, worker, *, chair=None, deputy=None, worker_scores=()):
    appraisal = build_appraisal(worker=worker)
    if chair is not None:
        services.rating_submit(
            actor=make_user("chair_a", "township_staff", tree.a),
            appraisal=appraisal,
            group="chair",
            score=chair,
        )
    if deputy is not None:
        services.rating_submit(
            actor=make_user("deputy_a", "township_staff", tree.a),
            appraisal=appraisal,
            group="deputy",
            score=deputy,
        )
    tokens = services.invites_issue(actor=None, appraisal=appraisal, count=len(worker_scores) or 1)
    for token, score in zip(tokens, worker_scores, strict=False):
        services.rating_submit_anonymous(token=token, score=score)
    return appraisal


def test_publishing_weights_the_ratings_and_applies_the_cut_offs(tree):
    _rules(tree)
    _quarter_members(tree)
    worker = build_worker(org=tree.a)
    appraisal = _rated(tree, worker, chair=90, deputy=80, worker_scores=(60, 70, 80))
    published = services.appraisal_publish(
        actor=None, appraisal=appraisal, today=dt.date(2026, 4, 10)
    )
    # rated: (40×90 + 20×80 + 30×70) / 90 = 81.11 (the supervisor did not rate)
    assert published.rated_score == Decimal("81.11")
    # total: 46.88 × 40% + 81.11 × 60% = 18.752 + 48.666 = 67.42
    assert published.total == Decimal("67.42")
    assert published.result == "basic"
    assert published.objection_until == dt.date(2026, 4, 17)
    # Unused links die with the rating round.
    assert not RatingInvite.objects.filter(appraisal=appraisal, used=False).exists()


def test_changed_cut_offs_change_the_grade(tree):
    _rules(tree, cutoff_excellent=80, cutoff_competent=65, cutoff_basic=50)
    _quarter_members(tree)
    appraisal = _rated(tree, build_worker(org=tree.a), chair=90, deputy=80, worker_scores=(70,))
    assert services.appraisal_publish(actor=None, appraisal=appraisal).result == "competent"


def test_changed_weights_change_the_rated_part(tree):
    _rules(tree, rater_weights={"chair": 100, "deputy": 0, "supervisor": 0, "workers": 0})
    appraisal = _rated(tree, build_worker(org=tree.a), chair=90, deputy=10, worker_scores=(10,))
    assert services.appraisal_publish(actor=None, appraisal=appraisal).rated_score == 90


# --- ratings ------------------------------------------------------------------------------


@pytest.mark.parametrize("score", ["101", "-1", "abc", "80.555", "NaN"])
def test_a_rating_outside_the_scale_is_refused_and_nothing_written(tree, worker, score):
    appraisal = build_appraisal(worker=worker)
    rater = make_user("rater", "township_staff", tree.a)
    with pytest.raises(ValidationFailed):
        services.rating_submit(actor=rater, appraisal=appraisal, group="chair", score=score)
    (token,) = services.invites_issue(actor=None, appraisal=appraisal, count=1)
    with pytest.raises(ValidationFailed):
        services.rating_submit_anonymous(token=token, score=score)
    appraisal.refresh_from_db()
    assert not Rating.objects.exists()
    assert appraisal.worker_ratings == 0
    assert RatingInvite.objects.get().used is False


def test_a_second_rating_by_the_same_rater_is_refused(tree, worker):
    appraisal = build_appraisal(worker=worker)
    rater = make_user("rater", "township_staff", tree.a)
    services.rating_submit(actor=rater, appraisal=appraisal, group="chair", score=88)
    with pytest.raises(Conflict, match="不能重复评议"):
        services.rating_submit(actor=rater, appraisal=appraisal, group="deputy", score=60)
    assert list(Rating.objects.values_list("group", "score")) == [("chair", Decimal(88))]


def test_a_one_time_link_rates_once(tree, worker):
    appraisal = build_appraisal(worker=worker)
    (token,) = services.invites_issue(actor=None, appraisal=appraisal, count=1)
    services.rating_submit_anonymous(token=token, score=75)
    with pytest.raises(Conflict, match="每个链接只能评议一次"):
        services.rating_submit_anonymous(token=token, score=10)
    with pytest.raises(Conflict):
        services.rating_submit_anonymous(token="guessed-token", score=10)
    appraisal.refresh_from_db()
    assert (appraisal.worker_ratings, appraisal.worker_score_sum) == (1, Decimal(75))


def test_anonymous_ratings_are_never_attributable(tree, worker):
    appraisal = build_appraisal(worker=worker)
    tokens = services.invites_issue(actor=None, appraisal=appraisal, count=2)
    before = AuditEvent.objects.count()
    services.rating_submit_anonymous(token=tokens[0], score=61)
    services.rating_submit_anonymous(token=tokens[1], score=99)
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
    summary = {row["group"]: row for row in selectors.rating_summary(appraisal)}
    assert summary["workers"] == {"group": "workers", "count": 2, "mean": None}


def test_the_worker_cannot_rate_their_own_appraisal(tree):
    user = make_user("sw_self", "township_staff", tree.a)
    appraisal = build_appraisal(worker=build_worker(org=tree.a, user=user))
    with pytest.raises(ValidationFailed, match="不能评议自己"):
        services.rating_submit(actor=user, appraisal=appraisal, group="chair", score=100)
    assert not Rating.objects.exists()


# --- two 不称职 in a year -------------------------------------------------------------------


def _unfit(worker, quarter, year=2026):
    appraisal = build_appraisal(worker=worker, year=year, quarter=quarter)
    return services.appraisal_publish(actor=None, appraisal=appraisal)


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


# --- objections ---------------------------------------------------------------------------


def _published_own(tree):
    user = make_user("sw_own", "social_worker", tree.a)
    worker = build_worker(org=tree.a, user=user)
    appraisal = build_appraisal(worker=worker)
    services.appraisal_publish(actor=None, appraisal=appraisal, today=dt.date(2026, 4, 10))
    appraisal.refresh_from_db()
    return user, appraisal


def test_the_worker_objects_within_the_period_and_the_answer_is_kept(tree):
    user, appraisal = _published_own(tree)
    services.objection_submit(
        actor=user, appraisal=appraisal, text="走访记录漏计", today=dt.date(2026, 4, 17)
    )
    with pytest.raises(Conflict, match="已对这次考核提出过异议"):
        services.objection_submit(
            actor=user, appraisal=appraisal, text="再次", today=dt.date(2026, 4, 17)
        )
    answerer = make_user("answerer", "township_staff", tree.a)
    services.objection_answer(actor=answerer, appraisal=appraisal, answer="已核实，维持原等次")
    objection = Objection.objects.get()
    assert (objection.text, objection.answer, objection.answered_by) == (
        "走访记录漏计",
        "已核实，维持原等次",
        answerer,
    )
    with pytest.raises(Conflict):
        services.objection_answer(actor=answerer, appraisal=appraisal, answer="改")


def test_an_objection_after_the_period_or_by_someone_else_is_refused(tree):
    user, appraisal = _published_own(tree)
    with pytest.raises(Conflict, match="异议期已于 2026-04-17 结束"):
        services.objection_submit(
            actor=user, appraisal=appraisal, text="晚了", today=dt.date(2026, 4, 18)
        )
    other = make_user("other", "social_worker", tree.a)
    with pytest.raises(NotFound):
        services.objection_submit(
            actor=other, appraisal=appraisal, text="代提", today=dt.date(2026, 4, 11)
        )
    assert not Objection.objects.exists()


# --- workers, pay and promotion -----------------------------------------------------------


def test_worker_record_reports_every_problem_and_writes_nothing(tree):
    with pytest.raises(ValidationFailed) as caught:
        build_worker(
            org=tree.a,
            name="",
            phone="123",
            contract_start=dt.date(2026, 1, 1),
            contract_end=dt.date(2025, 1, 1),
            funding_source="county",
            county_share=60,
        )
    assert set(caught.value.fields) == {"name", "phone", "contract_end", "county_share"}
    assert not SocialWorker.objects.exists()


def test_a_post_holds_one_worker(tree):
    post = services.post_create(actor=None, org=tree.a, name="甲镇社工岗")
    build_worker(org=tree.a1, post=post)
    with pytest.raises(ValidationFailed, match="已有人在岗"):
        build_worker(org=tree.a, post=post)
    b_post = services.post_create(actor=None, org=tree.b, name="乙镇社工岗")
    with pytest.raises(ValidationFailed, match="岗位须设在"):
        build_worker(org=tree.a, post=b_post)


def test_pay_sheet_adds_the_latest_bonus_and_splits_the_cost(tree):
    _rules(tree, targets=[{"measure": "members.joined", "target": 1, "weight": 100}])
    # Recorded before the table was set up: its cell does not exist (paid 0, flagged).
    build_worker(org=tree.b, band=3)
    services.pay_grade_set(actor=None, county=tree.county, grade=1, band=2, monthly_pay="4200")
    build_member(org=tree.a, joined_on=dt.date(2026, 2, 1))
    worker = build_worker(org=tree.a, band=2, county_share=60)
    appraisal = build_appraisal(worker=worker, quarter=1)
    assert services.appraisal_publish(actor=None, appraisal=appraisal).result == "excellent"
    rows = {
        r.worker.pk: r for r in selectors.pay_sheet(_admin(tree), tree.county, dt.date(2026, 4, 1))
    }
    row = rows[worker.pk]
    assert (row.pay.base, row.pay.bonus, row.pay.total) == (
        Decimal("4200.00"),
        Decimal("600.00"),
        Decimal("4800.00"),
    )
    assert (row.pay.county_part, row.pay.township_part) == (Decimal("2880.00"), Decimal("1920.00"))
    assert [r.missing_cell for r in rows.values()].count(True) == 1
    # In March the quarter's result was not yet published for a period ended before it.
    march = {
        r.worker.pk: r for r in selectors.pay_sheet(_admin(tree), tree.county, dt.date(2026, 3, 1))
    }
    assert march[worker.pk].pay.bonus == Decimal("0.00")


def _admin(tree):
    from gonghui.accounts.models import User

    return User.objects.filter(username="admin_pay").first() or make_user(
        "admin_pay", "county_admin", tree.county
    )


def test_promotion_follows_years_certificate_and_yearly_results(tree):
    _rules(tree, targets=[{"measure": "members.joined", "target": 1, "weight": 100}])
    for band in (1, 2):
        services.pay_grade_set(actor=None, county=tree.county, grade=1, band=band, monthly_pay=4000)
    # A year's targets are four quarters': 4 joins a year attain the quarterly target of 1.
    for year in (2024, 2025):
        for day in range(1, 5):
            build_member(org=tree.a, joined_on=dt.date(year, 6, day))
    eligible = build_worker(org=tree.a, band_since=dt.date(2023, 1, 1))
    no_certificate = build_worker(org=tree.a, band_since=dt.date(2023, 1, 1), certificates=[])
    too_new = build_worker(org=tree.a, band_since=dt.date(2025, 6, 1))
    for worker in (eligible, no_certificate, too_new):
        for year in (2024, 2025):
            appraisal = build_appraisal(worker=worker, kind="year", year=year)
            services.appraisal_publish(actor=None, appraisal=appraisal)
    found = selectors.promotion_candidates(_admin(tree), tree.county, dt.date(2026, 1, 15))
    assert [c.worker for c in found] == [eligible]
    assert (found[0].step, found[0].to_grade, found[0].to_band) == ("band", 1, 2)
    assert "2025年优秀" in found[0].evidence[2]
    # A worker whose contract is under review is not put forward.
    SocialWorker.objects.filter(pk=eligible.pk).update(contract_review=True)
    assert selectors.promotion_candidates(_admin(tree), tree.county, dt.date(2026, 1, 15)) == []


def test_a_yearly_appraisal_counts_the_year_against_four_quarters_targets(tree, worker):
    _rules(tree, targets=[{"measure": "members.joined", "target": 2, "weight": 100}])
    for month in (1, 4, 7, 10):
        build_member(org=tree.a1, joined_on=dt.date(2026, month, 1))
    yearly = build_appraisal(worker=worker, kind="year", year=2026)
    (line,) = yearly.evidence
    assert (line["count"], line["target"]) == (4, 8)
    assert yearly.computed_score == Decimal("50.00")
    assert line["url"] == f"/members/?org={tree.a.pk}&joined_year=2026"
