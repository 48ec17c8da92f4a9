"""Regular visits: quarters, due and overdue lists across quarter boundaries, new facts."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.assistance.archives.tests.factories import PDF_BYTES, PNG_BYTES
from gonghui.assistance.models import Visit
from gonghui.assistance.programmes.tests.factories import archived
from gonghui.assistance.visits import selectors as selectors_visits
from gonghui.assistance.visits import services as visits
from gonghui.core.errors import NotFound, ValidationFailed

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (D(2026, 1, 1), (2026, 1)),
        (D(2026, 3, 31), (2026, 1)),
        (D(2026, 4, 1), (2026, 2)),
        (D(2026, 12, 31), (2026, 4)),
    ],
)
def test_quarter_of(day, quarter):
    assert visits.quarter_of(day) == quarter


def test_quarter_bounds_and_previous():
    assert visits.quarter_bounds(2026, 1) == (D(2026, 1, 1), D(2026, 3, 31))
    assert visits.quarter_bounds(2024, 1)[1] == D(2024, 3, 31)
    assert visits.quarter_bounds(2026, 4) == (D(2026, 10, 1), D(2026, 12, 31))
    assert visits.previous_quarter(2026, 1) == (2025, 4)
    assert visits.quarter_parse("2026Q3") == (2026, 3)
    assert visits.quarter_parse("nonsense", D(2026, 5, 5)) == (2026, 2)


def _visit(archive, on, actor=None, **extra):
    return visits.visit_record(
        actor=actor,
        archive=archive,
        visited_on=on,
        findings="家中情况稳定",
        visitor_names="张三",
        **extra,
    )


def test_a_visit_on_the_last_day_of_a_quarter_counts_for_that_quarter_only(tree, users):
    # Given two archived households (archived 2025-01-06), one visited on 31 March 2026
    visited, other = archived(tree.a1), archived(tree.a1)
    _visit(visited, D(2026, 3, 31))
    # Then for Q1 only the other is missing; for Q2 both are
    q1 = selectors_visits.visits_due(users.county_staff, year=2026, quarter=1)
    q2 = selectors_visits.visits_due(users.county_staff, year=2026, quarter=2)
    assert [a.pk for a in q1] == [other.pk]
    assert {a.pk for a in q2} == {visited.pk, other.pk}
    assert q2.get(pk=visited.pk).last_visit_on == D(2026, 3, 31)


def test_a_quarter_is_overdue_only_after_its_last_day():
    assert selectors_visits.quarter_state(2026, 1, on=D(2026, 3, 31)).overdue is False
    assert selectors_visits.quarter_state(2026, 1, on=D(2026, 4, 1)).overdue is True


def test_households_archived_after_the_quarter_are_not_due_in_it(tree, users):
    archived(tree.a1)  # archived on 2025-01-06
    assert selectors_visits.visits_due(users.county_staff, year=2024, quarter=4).count() == 0
    assert selectors_visits.visits_due(users.county_staff, year=2025, quarter=1).count() == 1


def test_due_lists_follow_the_scope(tree, users):
    archived(tree.a1)
    archived(tree.b1)
    assert selectors_visits.visits_due(users.township_staff, year=2026, quarter=1).count() == 1
    assert selectors_visits.visits_due(users.county_staff, year=2026, quarter=1).count() == 2


def test_new_figures_update_the_archive_and_reassess(tree, users):
    household = archived(tree.a1)  # DEEP at 18,000 a year for 3
    visit = _visit(household, D(2026, 2, 1), actor=users.township_staff, annual_income="40000")
    household.refresh_from_db()
    assert household.annual_income == Decimal("40000")
    assert visit.assessment is not None
    assert visit.assessment.category == household.category == "relative"
    assert household.steps.filter(action="update").exists()


def test_unchanged_figures_make_no_assessment(tree):
    household = archived(tree.a1)
    visit = _visit(household, D(2026, 2, 1), annual_income=str(household.annual_income))
    assert visit.assessment is None


def test_flags_become_monitoring_facts_when_available(tree, users):
    household = archived(tree.a1)
    visit = _visit(
        household, D(2026, 2, 1), actor=users.township_staff, job_loss=True, medical=True
    )
    assert visit.job_loss and visit.medical
    kinds = [f["kind"] for f in visit.facts]
    try:
        from gonghui.assistance.models import JobLossReport  # noqa: F401
    except ImportError:
        assert kinds == []
    else:
        assert kinds == ["job_loss"]


def test_photos_are_checked_like_attachments(tree):
    household = archived(tree.a1)
    with pytest.raises(ValidationFailed) as caught:
        _visit(household, D(2026, 2, 1), photos=[SimpleUploadedFile("a.pdf", PDF_BYTES)])
    assert "photos" in caught.value.fields
    assert not Visit.objects.exists()
    visit = _visit(household, D(2026, 2, 1), photos=[SimpleUploadedFile("门口.png", PNG_BYTES)])
    assert visit.photos.get().content_type == "image/png"


def test_too_large_photo_is_refused(tree):
    household = archived(tree.a1)
    big = SimpleUploadedFile("big.png", PNG_BYTES)
    big.size = 11 * 1024 * 1024
    with pytest.raises(ValidationFailed) as caught:
        _visit(household, D(2026, 2, 1), photos=[big])
    assert "不能超过 10 MB" in caught.value.fields["photos"][0]


def test_bad_visits_are_refused(tree, users):
    household = archived(tree.a1)
    with pytest.raises(ValidationFailed) as caught:
        visits.visit_record(actor=None, archive=household, visited_on=D(2099, 1, 1), findings="")
    assert set(caught.value.fields) >= {"visited_on", "findings", "visitor_names"}
    with pytest.raises(NotFound):
        _visit(archived(tree.b1), D(2026, 2, 1), actor=users.township_staff)
    from gonghui.assistance.archives.tests.factories import build_archive

    with pytest.raises(ValidationFailed, match="只有在档"):
        _visit(build_archive(org=tree.a1), D(2026, 2, 1))
