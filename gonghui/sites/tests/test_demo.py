"""The demo seeder: ≥ 60 sites of every kind and status inside the demo county, idempotent."""

from gonghui.orgs import demo as orgs_demo
from gonghui.sites import demo, geo, selectors
from gonghui.sites.models import (
    CheckIn,
    MapLayer,
    ServiceSite,
    SiteCodeSequence,
    SiteFeedback,
    SiteKind,
    SiteStatus,
)


def _counts():
    return [
        m.objects.count() for m in (ServiceSite, SiteFeedback, CheckIn, MapLayer, SiteCodeSequence)
    ]


def test_demo_seeder_is_idempotent_and_covers_every_kind_and_status(db):
    # given the demo county
    orgs_demo.seed(seed=2026)
    # when the sites seeder runs twice
    demo.seed(seed=2026)
    after_first = _counts()
    demo.seed(seed=2026)
    # then the second run adds nothing
    assert _counts() == after_first
    sites = list(ServiceSite.objects.all())
    assert len(sites) >= 60
    pairs = {(s.kind, s.status) for s in sites}
    for kind in SiteKind.values:
        for status in SiteStatus.values:
            assert (kind, status) in pairs, (kind, status)
    county = selectors.county_of(sites[0].org)
    boundary = selectors.county_boundary(county)
    assert all(geo.point_in_geojson(s.lng, s.lat, boundary) for s in sites)
    assert MapLayer.objects.filter(org=county).count() == 3
    assert SiteFeedback.objects.count() >= 3
    assert CheckIn.objects.exists()
    assert all(s.township_id for s in sites)
    assert selectors.site_nearest(lat=demo.CENTRE[1], lng=demo.CENTRE[0], limit=10)
