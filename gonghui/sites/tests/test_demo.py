"""The demo seeder: ≥ 60 sites of every kind and status inside the demo county, idempotent."""

from gonghui.core import geo
from gonghui.orgs import demo as orgs_demo
from gonghui.orgs.models import Org
from gonghui.sites import demo, selectors
from gonghui.sites.map import coverage
from gonghui.sites.models import (
    CheckIn,
    CoverageResult,
    MapLayer,
    MapLayerKind,
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
    assert MapLayer.objects.filter(org=county).count() == 4
    assert SiteFeedback.objects.count() >= 3
    assert CheckIn.objects.exists()
    assert all(s.township_id for s in sites)
    assert selectors.site_nearest(lat=demo.CENTRE[1], lng=demo.CENTRE[0], limit=10)


def test_the_demo_county_has_named_townships_roads_and_built_up_areas(db):
    # Given the demo county seeded
    orgs_demo.seed(seed=2026)
    demo.seed(seed=2026)
    county = Org.objects.get(code=demo.COUNTY_CODE)
    layers = {
        layer.kind: selectors.map_layer_geojson(layer)
        for layer in MapLayer.objects.filter(org=county)
    }

    # Then every township has a named boundary, and each site lies in its own township
    townships = {
        f["properties"]["name"]: f["geometry"] for f in layers[MapLayerKind.TOWNSHIP]["features"]
    }
    assert sorted(townships) == sorted(demo.TOWNSHIP_NAMES)
    for site in ServiceSite.objects.select_related("township"):
        name = site.township.name.removesuffix("总工会").removesuffix("工会")
        assert geo.point_in_geojson(site.lng, site.lat, townships[name]), site.name
    # the roads have names, numbers and classes, the seat's streets are those of the addresses
    roads = [f["properties"] for f in layers[MapLayerKind.ROAD]["features"]]
    assert {"国道G235", "省道S212", "青石线", "人民路", "解放路"} <= {r["name"] for r in roads}
    assert {r["class"] for r in roads} == {"national", "provincial", "county", "urban", "street"}
    # the built-up areas are named towns and villages (the villages of the org tree)
    areas = [f["properties"] for f in layers[MapLayerKind.BUILT_UP_AREA]["features"]]
    assert "青禾城区" in {a["name"] for a in areas}
    village_orgs = Org.objects.filter(name__endswith="村工会").count()
    assert sum(a["class"] == "village" for a in areas) >= village_orgs * 0.8
    # and the coverage analysis is stored, current, by township boundary
    result = CoverageResult.objects.get(org=county, cell_m=100)
    assert result.fingerprint == coverage.coverage_inputs_fingerprint(county)
    assert {row[0] for row in result.summary["rows"]} <= set(
        Org.objects.filter(
            code__in=[f"{demo.COUNTY_CODE}{i:03d}" for i in range(1, 13)]
        ).values_list("pk", flat=True)
    )


def test_reseeding_replaces_the_demo_layers_but_never_an_uploaded_one(db):
    from gonghui.accounts.models import User

    orgs_demo.seed(seed=2026)
    demo.seed(seed=2026)
    county = Org.objects.get(code=demo.COUNTY_CODE)
    # Given an uploaded road layer and an outdated demo boundary
    admin = User.objects.create(username="uploader")
    MapLayer.objects.filter(org=county, kind=MapLayerKind.ROAD).update(uploaded_by=admin)
    MapLayer.objects.filter(org=county, kind=MapLayerKind.BOUNDARY).update(
        geojson='{"type":"FeatureCollection","features":[]}'
    )
    versions = dict(MapLayer.objects.filter(org=county).values_list("kind", "version"))
    # When the seeder runs again
    demo.seed(seed=2026)
    # Then the demo boundary is replaced, the uploaded roads and the rest stay
    after = dict(MapLayer.objects.filter(org=county).values_list("kind", "version"))
    assert after == {**versions, MapLayerKind.BOUNDARY: versions[MapLayerKind.BOUNDARY] + 1}
