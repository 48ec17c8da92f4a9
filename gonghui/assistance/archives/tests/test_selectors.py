"""Scoped reads: list filters, search, overdue re-checks, the detail with its trail."""

import datetime
from decimal import Decimal

import pytest
from django.http import Http404

from gonghui.assistance.archives import selectors, services
from gonghui.assistance.archives.tests.factories import archive_in, build_archive
from gonghui.assistance.choices import ArchiveStatus, HardshipCategory, HardshipCause
from gonghui.assistance.standards import selectors as standards_selectors

pytestmark = pytest.mark.django_db


def test_list_is_scoped(tree, users):
    own = build_archive(org=tree.a1)
    sibling = build_archive(org=tree.b1)
    county = build_archive(org=tree.county)
    assert set(selectors.archive_list(users.grassroots_staff)) == {own}
    assert set(selectors.archive_list(users.township_staff)) == {own}
    assert set(selectors.archive_list(users.county_staff)) == {own, sibling, county}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"category": HardshipCategory.RELATIVE}, {"relative"}),
        ({"status": ArchiveStatus.ARCHIVED}, {"archived"}),
        ({"cause": HardshipCause.ACCIDENT}, {"accident"}),
        ({"cause": HardshipCause.CHILD_SCHOOLING}, {"deep", "archived", "relative", "migrant"}),
        ({"group": "migrant"}, {"migrant"}),
        ({"group": "urban"}, {"deep", "archived", "relative", "accident"}),
    ],
)
def test_list_filters(tree, users, filters, expected):
    made = {
        "deep": build_archive(org=tree.a1),
        "archived": archive_in(ArchiveStatus.ARCHIVED, org=tree.a1),
        "relative": build_archive(org=tree.a1, annual_income=Decimal("36000")),
        "accident": build_archive(
            org=tree.a1, main_cause=HardshipCause.ACCIDENT, secondary_causes=[]
        ),
        "migrant": build_archive(org=tree.a1, is_migrant_worker=True, hukou_type="rural"),
    }
    names = {v.pk: k for k, v in made.items()}
    found = {names[a.pk] for a in selectors.archive_list(users.county_staff, **filters)}
    assert found == expected


def test_org_subtree_filter(tree, users):
    a1 = build_archive(org=tree.a1)
    ae = build_archive(org=tree.ae)
    build_archive(org=tree.b1)
    assert set(selectors.archive_list(users.county_staff, org=tree.a)) == {a1, ae}
    assert set(selectors.archive_list(users.county_staff, org=tree.a1)) == {a1}


def test_search_by_name_last4_and_full_id(tree, users):
    target = build_archive(org=tree.a1, name="赵小花")
    build_archive(org=tree.a1, name="钱大壮")
    assert list(selectors.archive_list(users.county_staff, q="小花")) == [target]
    assert list(selectors.archive_list(users.county_staff, q=target.id_number[-4:])) == [target]
    assert list(selectors.archive_list(users.county_staff, q=target.id_number)) == [target]


def test_overdue_yearly_checks(tree, users):
    # given one archive filed 2025-01-06 (due 2026-01-06) and one reviewed since
    overdue = archive_in(ArchiveStatus.ARCHIVED, org=tree.a1)
    fresh = archive_in(ArchiveStatus.ARCHIVED, org=tree.a1)
    services.archive_review(actor=None, archive=fresh, on=datetime.date(2026, 3, 1))
    build_archive(org=tree.a1)  # applied: not due
    # then
    on = datetime.date(2026, 6, 1)
    assert list(selectors.reviews_overdue(users.county_staff, on=on)) == [overdue]
    assert list(selectors.archive_list(users.county_staff, overdue="1", on=on)) == [overdue]
    assert list(selectors.reviews_overdue(users.county_staff, on=datetime.date(2026, 1, 6))) == []
    assert list(selectors.reviews_overdue(users.social_worker, on=on)) == [overdue]


def test_detail_has_trail_household_files_and_history(tree, users):
    archive = archive_in(ArchiveStatus.ARCHIVED, org=tree.a1)
    detail = selectors.archive_detail(users.grassroots_staff, archive.pk)
    assert [s.action for s in detail.steps][:2] == ["apply", "check"]
    assert len(detail.attachments) == 1
    assert [a.source for a in detail.assessments] == ["approve", "apply"]
    assert detail.exit is not None and not detail.exit.allowed


def test_detail_out_of_scope_is_404(tree, users):
    archive = build_archive(org=tree.b1)
    with pytest.raises(Http404):
        selectors.archive_detail(users.grassroots_staff, archive.pk)
    with pytest.raises(Http404):
        selectors.attachment_get(users.grassroots_staff, 1)


def test_counties_for_includes_the_users_own_county(tree, users):
    assert standards_selectors.counties_for(users.grassroots_staff) == [tree.county]
    assert standards_selectors.counties_for(users.county_admin) == [tree.county]
