"""Spot checks: at least the county's share, drawn at random, reproducible, recorded."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gonghui.assistance.archives import services
from gonghui.assistance.archives.lifecycle import spot_check_sample, spot_check_size
from gonghui.assistance.archives.tests.factories import archive_in, build_archive
from gonghui.assistance.choices import ArchiveStatus, ReviewKind
from gonghui.assistance.models import SpotCheckDraw
from gonghui.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def _archived(tree, n):
    return [archive_in(ArchiveStatus.ARCHIVED, org=tree.a1 if i % 2 else tree.b1) for i in range(n)]


def test_draw_takes_at_least_the_share_and_records_it(tree, users):
    # given 10 archived households, one applied and one exited (not in the population)
    archived = _archived(tree, 10)
    build_archive(org=tree.a1)
    archive_in(ArchiveStatus.EXITED, org=tree.a1)
    # when county staff draw for 2026 at the default share
    draw = services.spot_check_draw(actor=users.county_staff, county=tree.county, year=2026)
    # then 30% rounded up of the archived households, recorded with population and seed
    assert draw.share == Decimal("0.30")
    assert draw.population == sorted(a.pk for a in archived)
    assert len(draw.drawn) == 3
    assert set(draw.drawn) <= set(draw.population)
    assert draw.drawn_by == users.county_staff
    # and anyone can reproduce it from the record
    assert spot_check_sample(draw.population, share=draw.share, seed=draw.seed) == draw.drawn


def test_same_seed_same_draw_other_seed_other_draw():
    population = list(range(1, 101))
    a = spot_check_sample(population, share=Decimal("0.3"), seed="abc")
    assert a == spot_check_sample(list(reversed(population)), share=Decimal("0.3"), seed="abc")
    assert a != spot_check_sample(population, share=Decimal("0.3"), seed="abd")
    assert len(a) == 30


@given(
    n=st.integers(min_value=1, max_value=500),
    share=st.decimals(min_value="0.3", max_value=1, places=2),
)
def test_sample_size_is_never_below_the_share(n, share):
    size = spot_check_size(n, share)
    assert size >= n * share
    assert size <= n
    assert len(spot_check_sample(list(range(n)), share=share, seed="s")) == size


def test_share_below_the_floor_is_refused(tree, users):
    _archived(tree, 3)
    with pytest.raises(ValidationFailed, match="抽查比例不得低于 30%"):
        services.spot_check_draw(
            actor=users.county_staff, county=tree.county, year=2026, share="0.29"
        )
    assert not SpotCheckDraw.objects.exists()


def test_a_higher_configured_floor_applies(tree, users):
    services.thresholds_set(
        actor=users.county_admin,
        county=tree.county,
        effective_from=datetime.date(2025, 1, 1),
        spot_check_share="0.5",
    )
    _archived(tree, 4)
    with pytest.raises(ValidationFailed, match="不得低于 50%"):
        services.spot_check_draw(
            actor=users.county_staff, county=tree.county, year=2026, share="0.4"
        )
    draw = services.spot_check_draw(actor=users.county_staff, county=tree.county, year=2026)
    assert len(draw.drawn) == 2


def test_one_draw_per_county_and_year(tree, users):
    _archived(tree, 2)
    services.spot_check_draw(actor=users.county_staff, county=tree.county, year=2026)
    with pytest.raises(Conflict, match="已抽取"):
        services.spot_check_draw(actor=users.county_staff, county=tree.county, year=2026)
    assert SpotCheckDraw.objects.count() == 1


def test_only_the_county_draws(tree, users):
    _archived(tree, 2)
    with pytest.raises(NotFound):  # the county lies outside a township's scope
        services.spot_check_draw(actor=users.township_staff, county=tree.county, year=2026)
    with pytest.raises(PermissionDenied):  # a county leader sees it but does not approve
        services.spot_check_draw(actor=users.leader, county=tree.county, year=2026)
    assert not SpotCheckDraw.objects.exists()


def test_spot_review_only_for_drawn_archives(tree, users):
    archived = _archived(tree, 4)
    draw = services.spot_check_draw(
        actor=users.county_staff, county=tree.county, year=2026, share="0.5", seed="fixed"
    )
    drawn = [a for a in archived if a.pk in draw.drawn]
    not_drawn = [a for a in archived if a.pk not in draw.drawn]
    review = services.archive_review(
        actor=users.county_staff, archive=drawn[0], kind=ReviewKind.SPOT, findings="抽查属实"
    )
    assert review.draw == draw
    assert review.kind == ReviewKind.SPOT
    drawn[0].refresh_from_db()
    assert drawn[0].next_review_due == datetime.date(
        2026, 1, 6
    )  # a spot check is not the yearly one
    with pytest.raises(ValidationFailed, match="不在 2026 年的抽查名单中"):
        services.archive_review(
            actor=users.county_staff, archive=not_drawn[0], kind=ReviewKind.SPOT
        )
