"""Permission-matrix entries for the map, coverage and map-layer pages.

The map layers and the coverage radius belong to a county org, and every role under test
sits at township A, so for the two writes `own` is township A itself: in scope, and the
service refuses it as not a county (the page answers 200 with the error and stores
nothing); `sibling` (township B) and `parent` (the county) are out of scope: 404. The
successful writes by a county admin are tested in test_views.py.

The map and sign settings are the installation's (one row): every role with sites.edit opens
the page; saving needs the county admin role held at a county federation or above, so the
roles under test (all at township A) get the page back with the refusal and nothing stored
(test_views.py tests both the refusal and a county admin's save).
"""

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.sites.models import CoverageSettings, MapLayer, MapSettings
from gonghui.sites.tests.matrix import _sites

_BOUNDARY = (
    b'{"type":"Polygon","coordinates":[[[119.6,29.0],[119.8,29.0],[119.8,29.2],[119.6,29.0]]]}'
)


def _orgs(tree, actor):
    return Targets(own=tree.a, sibling=tree.b, parent=tree.county)


def _layer_state(org):
    return list(MapLayer.objects.filter(org=org).values_list("kind", "version"))


def _settings_state(target):
    return list(MapSettings.objects.values_list("tile_url", "public_url", "version"))


def _radius_state(org):
    return list(CoverageSettings.objects.filter(org=org).values_list("radius_m", "version"))


ENDPOINTS = [
    Endpoint("sites.map", "GET", "sites", "view", lambda t: "/sites/map/", _sites, scoped=False),
    Endpoint(
        "sites.map_data",
        "GET",
        "sites",
        "view",
        lambda t: "/sites/map/data/",
        _sites,
        marker=lambda s: s.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "sites.map_layer",
        "GET",
        "sites",
        "view",
        lambda t: "/sites/map/layers/boundary/",
        _sites,
        scoped=False,
    ),
    Endpoint(
        "sites.coverage", "GET", "sites", "view", lambda t: "/sites/coverage/", _sites, scoped=False
    ),
    Endpoint(
        "sites.coverage_data",
        "GET",
        "sites",
        "view",
        lambda t: "/sites/coverage/data/",
        _sites,
        scoped=False,
    ),
    Endpoint(
        "sites.layers", "GET", "sites", "edit", lambda t: "/sites/layers/", _sites, scoped=False
    ),
    Endpoint(
        "sites.layer_upload",
        "POST",
        "sites",
        "edit",
        lambda org: f"/sites/layers/{org.pk}/upload/",
        _orgs,
        data=lambda org: {
            "kind": "boundary",
            "crs": "gcj02",
            "name": "矩阵边界",
            "geojson": SimpleUploadedFile("boundary.geojson", _BOUNDARY),
        },
        snapshot=_layer_state,
    ),
    Endpoint(
        "sites.coverage_radius",
        "POST",
        "sites",
        "edit",
        lambda org: f"/sites/layers/{org.pk}/radius/",
        _orgs,
        data=lambda org: {"radius_m": "800"},
        snapshot=_radius_state,
    ),
    Endpoint(
        "sites.map_settings",
        "GET",
        "sites",
        "edit",
        lambda t: "/sites/map/settings/",
        _sites,
        scoped=False,
    ),
    Endpoint(
        "sites.map_settings_save",
        "POST",
        "sites",
        "edit",
        lambda t: "/sites/map/settings/",
        _sites,
        data=lambda t: {
            "tile_mode": "tiles",
            "tile_url": "https://tiles.example.gov.cn/{z}/{x}/{y}.png",
            "tile_attribution": "矩阵底图",
            "public_url": "https://gonghui.qinghe.gov.cn",
        },
        snapshot=_settings_state,
        scoped=False,
    ),
]
