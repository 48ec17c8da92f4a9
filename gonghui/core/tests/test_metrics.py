"""The metric registry: measures counted set-based for many orgs, rolled up along the tree."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from gonghui.core import metrics
from gonghui.core.metrics import MetricError, Period
from gonghui.members.models import EmploymentForm
from gonghui.members.services import member_deactivate
from gonghui.members.tests.factories import build_member
from gonghui.testing.fixtures import build_enterprise

pytestmark = pytest.mark.django_db

YEAR = Period.year(2026)


def _joined(org, day, **extra):
    return build_member(org=org, joined_on=day, **extra)


def test_a_count_is_the_subtree_sum_at_every_level_and_respects_period_edges(tree):
    _joined(tree.a1, dt.date(2026, 1, 1))  # first day: in
    _joined(tree.ae, dt.date(2026, 6, 30))  # last day: in
    _joined(tree.a, dt.date(2025, 12, 31))  # day before: out
    _joined(tree.b1, dt.date(2026, 7, 1))  # day after: out
    _joined(tree.b1, dt.date(2026, 3, 15))

    figures = metrics.evaluate(
        "members.joined",
        orgs=[tree.county, tree.a, tree.a1, tree.ae, tree.b],
        period=Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
    )

    assert {pk: f.value for pk, f in figures.items()} == {
        tree.county.pk: 3,
        tree.a.pk: 2,
        tree.a1.pk: 1,
        tree.ae.pk: 1,
        tree.b.pk: 1,
    }


def test_a_period_without_start_is_a_state_as_of_its_end(tree):
    _joined(tree.a1, dt.date(2019, 3, 1))
    _joined(tree.a1, dt.date(2026, 9, 30))
    _joined(tree.a1, dt.date(2026, 10, 1))  # after the cut-off
    left = _joined(tree.a1, dt.date(2020, 1, 1))
    member_deactivate(actor=None, member=left, reason="调离")

    figures = metrics.evaluate(
        "members.active", orgs=[tree.a], period=Period.as_of(dt.date(2026, 9, 30))
    )

    assert figures[tree.a.pk].value == 2


def test_one_query_however_many_orgs_are_asked_for(tree, django_assert_num_queries):
    _joined(tree.a1, dt.date(2026, 5, 1))
    _joined(tree.b1, dt.date(2026, 5, 1))
    orgs = [tree.county, tree.a, tree.a1, tree.ae, tree.b, tree.b1]

    with django_assert_num_queries(1):
        figures = metrics.evaluate("members.joined", orgs=orgs, period=YEAR)

    assert figures[tree.county.pk].value == 2
    assert figures[tree.ae.pk].value == 0


def test_a_ratio_divides_the_rolled_up_parts_not_the_children_rates(
    tree, django_assert_num_queries
):
    for _ in range(3):
        _joined(tree.a1, dt.date(2026, 2, 1))
    _joined(tree.a1, dt.date(2026, 2, 1), employment_form=EmploymentForm.COURIER)
    _joined(tree.b1, dt.date(2026, 2, 1), employment_form=EmploymentForm.COURIER)

    with django_assert_num_queries(2):
        figures = metrics.evaluate(
            "members.new_employment_form_share",
            orgs=[tree.county, tree.a, tree.b, tree.ae],
            period=Period.as_of(dt.date(2026, 12, 31)),
        )

    assert figures[tree.county.pk].value == Decimal("40.0")  # 2 of 5, not mean(25%, 100%)
    assert (figures[tree.county.pk].numerator, figures[tree.county.pk].denominator) == (2, 5)
    assert figures[tree.a.pk].value == Decimal("25.0")
    assert figures[tree.b.pk].value == Decimal("100.0")
    assert figures[tree.ae.pk].value is None  # nothing to divide by: no figure, not 0%


def test_records_that_are_orgs_count_themselves(tree):
    figures = metrics.evaluate("orgs.grassroots_unions", orgs=[tree.county, tree.a], period=None)

    assert figures[tree.county.pk].value == 3
    assert figures[tree.a.pk].value == 2


def test_union_coverage_rate_counts_enterprises_by_their_covering_union(tree):
    build_enterprise(org=tree.a, has_union=True, union=tree.ae)
    build_enterprise(org=tree.a)
    build_enterprise(org=tree.b)
    build_enterprise(org=tree.b)

    figures = metrics.evaluate("orgs.union_coverage_rate", orgs=[tree.county, tree.a], period=None)

    assert figures[tree.county.pk].value == Decimal("25.0")
    assert figures[tree.a.pk].value == Decimal("50.0")


@pytest.fixture
def orgs_created_measure():
    from gonghui.orgs.models import Org

    measure = metrics.Count(
        code="test.orgs_created",
        name="新建组织",
        unit="个",
        module="orgs",
        rule="创建时间在统计期间内的组织",
        records=Org.objects.all,
        date_field="created_at",
        org_field="",
    )
    metrics.register(measure)
    yield measure
    metrics._REGISTRY.pop(measure.code)


def test_datetime_measures_cut_periods_at_midnight_in_shanghai(tree, orgs_created_measure):
    from gonghui.orgs.models import Org

    shanghai = dt.timezone(dt.timedelta(hours=8))
    Org.objects.filter(pk=tree.a1.pk).update(
        created_at=dt.datetime(2026, 1, 1, 0, 0, tzinfo=shanghai)  # 2025-12-31 16:00 UTC: in
    )
    Org.objects.filter(pk=tree.ae.pk).update(
        created_at=dt.datetime(2025, 12, 31, 23, 59, tzinfo=shanghai)  # out
    )
    Org.objects.filter(pk=tree.b1.pk).update(
        created_at=dt.datetime(2026, 12, 31, 23, 59, tzinfo=shanghai)  # in
    )
    Org.objects.exclude(pk__in=[tree.a1.pk, tree.ae.pk, tree.b1.pk]).update(
        created_at=dt.datetime(2020, 1, 1, tzinfo=shanghai)
    )

    figures = metrics.evaluate("test.orgs_created", orgs=[tree.county], period=YEAR)

    assert figures[tree.county.pk].value == 2


def test_a_user_reads_measures_only_for_orgs_in_scope(tree, users):
    _joined(tree.a1, dt.date(2026, 5, 1))

    figures = metrics.measure_evaluate(
        users.township_staff, "members.joined", orgs=[tree.a], period=YEAR
    )
    assert figures[tree.a.pk].value == 1

    with pytest.raises(Http404):
        metrics.measure_evaluate(
            users.township_staff, "members.joined", orgs=[tree.a, tree.b], period=YEAR
        )
    with pytest.raises(Http404):
        metrics.measure_evaluate(
            users.grassroots_staff, "members.joined", orgs=[tree.a], period=YEAR
        )


def test_bad_requests_say_what_is_wrong_in_chinese():
    with pytest.raises(MetricError, match="结束日期早于开始日期"):
        Period(dt.date(2026, 2, 1), dt.date(2026, 1, 31))
    with pytest.raises(MetricError, match="没有编码为“nope.nothing”的统计指标"):
        metrics.evaluate("nope.nothing", orgs=[], period=None)


def test_every_registered_measure_is_sound_and_labelled():
    from gonghui.core.modules import MODULES

    assert metrics.check_registry() == []
    assert {"members.joined", "orgs.union_coverage_rate"} <= {m.code for m in metrics.measures()}
    for measure in metrics.measures():
        assert measure.code.split(".")[0] == measure.module
        assert measure.module in MODULES
        assert measure.name and measure.rule and measure.unit


@pytest.mark.django_db
def test_township_subtrees_are_read_by_anchor_not_by_path_prefix(tree):
    """Thousands of township orgs (every social worker's appraisal) must not become thousands
    of LIKE tests per row: a subtree topped by its own anchor is an org_anchor equality."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for org in (tree.a1, tree.ae, tree.b1, tree.county):
        build_member(org=org, joined_on=dt.date(2026, 3, 1))
    with CaptureQueriesContext(connection) as ctx:
        figures = metrics.evaluate("members.joined", orgs=[tree.a, tree.b], period=YEAR)
    (sql,) = [q["sql"] for q in ctx.captured_queries]
    assert "LIKE" not in sql.upper() and "org_anchor_id" in sql
    assert (figures[tree.a.pk].value, figures[tree.b.pk].value) == (2, 1)
    # A subtree that is not its own anchor (a grassroots union) is still a path prefix.
    mixed = metrics.evaluate("members.joined", orgs=[tree.a, tree.b1], period=YEAR)
    assert (mixed[tree.a.pk].value, mixed[tree.b1.pk].value) == (2, 1)


def test_a_batch_answers_every_measure_as_one_at_a_time_does_in_fewer_queries(
    tree, django_assert_max_num_queries
):
    """evaluate_many fuses the counts over one table into one grouped query (a filtered
    aggregate each) and counts a ratio's parts once: every registered measure, for several
    orgs and periods, answers exactly what evaluate answers one measure at a time."""
    _joined(tree.a1, dt.date(2026, 1, 1), is_migrant_worker=True)
    _joined(tree.ae, dt.date(2026, 6, 30), employment_form=EmploymentForm.COURIER)
    _joined(tree.b1, dt.date(2025, 12, 31))
    left = _joined(tree.b1, dt.date(2026, 3, 1))
    member_deactivate(actor=None, member=left, reason="调离")
    build_enterprise(org=tree.a, has_union=True, union=tree.ae, employee_count=40)
    build_enterprise(org=tree.b, economic_type="private")
    orgs = [tree.county, tree.a, tree.a1, tree.ae, tree.b]
    periods = [
        Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)),
        Period.as_of(dt.date(2026, 6, 30)),
    ]
    codes = [m.code for m in metrics.measures()]
    questions = [(code, orgs, period) for code in codes for period in periods]
    counts = {c for c in codes if not metrics.measure_get(c).is_ratio}

    with django_assert_max_num_queries(len(counts) - 1) as batch:
        answers = metrics.evaluate_many(questions)

    for code, _orgs, period in questions:
        assert answers[(code, period)] == metrics.evaluate(code, orgs=orgs, period=period), code
    assert answers[("members.active", periods[1])][tree.county.pk].value == 3
    assert answers[("members.joined", periods[0])][tree.county.pk].value == 3
    assert answers[("members.migrant_workers", periods[1])][tree.a.pk].value == 1
    # The member measures (joined, active, new employment forms, migrants, women, in both
    # periods, and the share's parts) are one scan of the members.
    member_queries = [q for q in batch.captured_queries if 'FROM "members_member"' in q["sql"]]
    assert len(member_queries) == 1


def test_a_county_and_its_townships_are_grouped_by_anchor_with_the_same_figures(
    tree, django_assert_num_queries
):
    """Asked for a county and its townships (none below an anchor), the records are grouped by
    their township anchor (the county's own records by their org): the same figures as the
    per-org path grouping, whichever orgs are asked for."""
    for org in (tree.a1, tree.ae, tree.a, tree.b1, tree.county, tree.county):
        _joined(org, dt.date(2026, 3, 1))
    anchored = [tree.county, tree.a, tree.b]
    by_path = [*anchored, tree.a1]  # a union below its anchor: grouped by path
    with django_assert_num_queries(1):
        fast = metrics.evaluate("members.joined", orgs=anchored, period=YEAR)
    slow = metrics.evaluate("members.joined", orgs=by_path, period=YEAR)
    assert {pk: f.value for pk, f in fast.items()} == {
        tree.county.pk: 6,
        tree.a.pk: 3,
        tree.b.pk: 1,
    }
    assert all(slow[pk] == fast[pk] for pk in fast)
    # The county alone: every record of its subtree is the county's, no path needed.
    with django_assert_num_queries(1):
        alone = metrics.evaluate("members.joined", orgs=[tree.county], period=YEAR)
    assert alone[tree.county.pk].value == 6
    # A city and its county: the townships' paths are looked up (one more query) to know
    # which of the two each township lies under.
    with django_assert_num_queries(2):
        both = metrics.evaluate("members.joined", orgs=[tree.city, tree.county], period=YEAR)
    assert (both[tree.city.pk].value, both[tree.county.pk].value) == (6, 6)


@pytest.mark.django_db
def test_anchored_records_count_the_same_however_the_orgs_are_asked_for(tree):
    """Records carrying org_anchor are grouped by anchor (a county and its townships) or by
    org (a set with an org below an anchor, or orgs loaded without their anchor); each way
    gives every org its subtree's count, including records owned by the county itself."""
    from gonghui.members.models import Member
    from gonghui.orgs.models import Org

    for org in (tree.county, tree.a, tree.a1, tree.a1, tree.ae, tree.b1):
        build_member(org=org, joined_on=dt.date(2026, 3, 1))
    period = Period.as_of(dt.date(2026, 12, 31))
    every = [tree.county, tree.a, tree.a1, tree.ae, tree.b, tree.b1]
    expected = {
        org.pk: Member.objects.filter(org__path__startswith=org.path, status="active").count()
        for org in every
    }
    assert expected[tree.county.pk] == 6 and expected[tree.a.pk] == 4
    for asked in ([tree.county, tree.a, tree.b], [tree.county, tree.a1], [tree.a1, tree.ae], every):
        for orgs in (asked, list(Org.objects.filter(pk__in=[o.pk for o in asked]).only("path"))):
            figures = metrics.evaluate("members.active", orgs=orgs, period=period)
            assert {pk: f.value for pk, f in figures.items()} == {
                org.pk: expected[org.pk] for org in asked
            }


@pytest.fixture
def forms_measure():
    """A non-additive measure: distinct employment forms, which the path roll-up sums over
    the orgs of a subtree (a form in two orgs counts twice)."""
    from django.db.models import Count as CountAggregate

    from gonghui.members.models import Member

    measure = metrics.Count(
        code="test.member_forms",
        name="就业形态种类",
        unit="种",
        module="members",
        rule="入会日期在统计期间内的会员的就业形态种类(按组织去重)",
        records=Member.objects.all,
        date_field="joined_on",
        aggregate=lambda: CountAggregate("employment_form", distinct=True),
    )
    metrics.register(measure)
    yield measure
    metrics._REGISTRY.pop(measure.code)


@pytest.mark.django_db
def test_orgs_that_are_all_their_own_anchors_are_grouped_by_anchor_with_equal_figures(
    tree, forms_measure
):
    """Every org asked for tops its own anchored subtree (every social worker at a township
    union): one GROUP BY org_anchor_id, no join to the orgs and no path roll-up, and the
    very figures of the path roll-up — a distinct count included."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from gonghui.orgs.models import Org

    for org, form in (
        (tree.a1, EmploymentForm.COURIER),
        (tree.ae, EmploymentForm.COURIER),
        (tree.ae, EmploymentForm.COURIER),
        (tree.b1, EmploymentForm.COURIER),
        (tree.county, EmploymentForm.COURIER),
    ):
        build_member(org=org, joined_on=dt.date(2026, 3, 1), employment_form=form)
    anchored = list(Org.objects.filter(pk__in=[tree.a.pk, tree.b.pk]))
    by_path = list(Org.objects.filter(pk__in=[tree.a.pk, tree.b.pk]).defer("anchor"))
    for code, expected in (("members.joined", (3, 1)), (forms_measure.code, (2, 1))):
        with CaptureQueriesContext(connection) as ctx:
            figures = metrics.evaluate(code, orgs=anchored, period=YEAR)
        (sql,) = [q["sql"] for q in ctx.captured_queries]
        assert '"orgs_org"' not in sql and "GROUP BY" in sql.upper()
        rolled_up = metrics.evaluate(code, orgs=by_path, period=YEAR)
        assert figures == rolled_up
        assert (figures[tree.a.pk].value, figures[tree.b.pk].value) == expected


def test_minimal_paths_keep_only_the_tops():
    from gonghui.core.scope import minimal_paths

    paths = ["/1/2/5/", "/1/20/", "/1/2/", "/1/3/7/", "/1/3/7/9/", "/1/2/", "/4/"]
    assert minimal_paths(paths) == ["/1/2/", "/1/20/", "/1/3/7/", "/4/"]
    assert minimal_paths(["/1/", *paths]) == ["/1/", "/4/"]
