"""The map, map-layer and coverage pages (no browser)."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.sites.map import coverage, tasks
from gonghui.sites.models import CoverageSettings, MapLayer, MapLayerKind, SiteStatus
from gonghui.sites.services import (
    map_layer_import,
)
from gonghui.sites.tests.factories import build_site

pytestmark = pytest.mark.django_db

BOUNDARY = {
    "type": "Polygon",
    "coordinates": [
        [[119.60, 29.00], [119.90, 29.00], [119.90, 29.25], [119.60, 29.25], [119.60, 29.00]]
    ],
}
BUILT_UP = {
    "type": "Polygon",
    "coordinates": [
        [
            [119.715, 29.095],
            [119.735, 29.095],
            [119.735, 29.112],
            [119.715, 29.112],
            [119.715, 29.095],
        ]
    ],
}


def _geojson_file(obj, name="layer.geojson"):
    return SimpleUploadedFile(name, json.dumps(obj).encode(), content_type="application/geo+json")


# --- map --------------------------------------------------------------------------------------


def test_map_page_has_no_tile_source_by_default_and_lists_the_county_layers(login, users, tree):
    map_layer_import(actor=None, county=tree.county, kind=MapLayerKind.BOUNDARY, geojson=BOUNDARY)
    response = login(users.township_staff).get("/sites/map/")
    assert response.status_code == 200
    body = response.content.decode()
    config = json.loads(re.search(r'id="site-map-config"[^>]*>(.*?)</script>', body).group(1))
    assert config["tile_url"] == ""
    assert list(config["layers"]) == ["boundary"]
    assert "vendor/leaflet/leaflet.js" in response.content.decode()


def test_map_page_passes_a_configured_tile_source(login, users, settings):
    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 示例地图"
    response = login(users.county_admin).get("/sites/map/")
    assert response.context["map_config"]["tile_url"] == settings.MAP_TILE_URL
    assert response.context["map_config"]["tile_attribution"] == "© 示例地图"


def test_map_data_is_scoped_masked_and_filtered(login, users, tree):
    # Given sites in township A (two kinds, one closed) and one in township B
    station = build_site(org=tree.a1, name="甲镇户外站", contact_phone="13912345678", is_24h=True)
    canteen = build_site(org=tree.a1, name="甲镇食堂", kind="canteen", facilities=["microwave"])
    build_site(org=tree.a1, name="甲镇关闭站", status=SiteStatus.CLOSED, status_reason="撤并")
    build_site(org=tree.b1, name="乙镇户外站")
    client = login(users.township_staff)

    # When township A's staff load the map data
    everything = client.get("/sites/map/data/").json()
    canteens = client.get("/sites/map/data/?kind=canteen").json()
    with_microwave = client.get("/sites/map/data/?facility=microwave").json()
    open_now = client.get("/sites/map/data/?open_now=1").json()
    closed = client.get("/sites/map/data/?status=closed").json()

    # Then only A's sites come back, as GeoJSON points [lng, lat], with no phone
    names = {f["properties"]["name"] for f in everything["features"]}
    assert names == {"甲镇户外站", "甲镇食堂", "甲镇关闭站"}
    feature = next(f for f in everything["features"] if f["id"] == station.pk)
    assert feature["geometry"]["coordinates"] == [station.lng, station.lat]
    assert feature["properties"]["url"] == f"/sites/{station.pk}/"
    assert feature["properties"]["hours_today"] == "24 小时开放"
    assert feature["properties"]["open_now"] is True
    raw = json.dumps(everything, ensure_ascii=False)
    assert "13912345678" not in raw and "5678" not in raw and "contact" not in raw
    # and the filters apply on the server
    assert [f["id"] for f in canteens["features"]] == [canteen.pk]
    assert [f["id"] for f in with_microwave["features"]] == [canteen.pk]
    assert station.pk in {f["id"] for f in open_now["features"]}
    assert [f["properties"]["name"] for f in closed["features"]] == ["甲镇关闭站"]
    assert closed["features"][0]["properties"]["status_reason"] == "撤并"


def test_map_layer_data_serves_the_users_county_layer(login, users, tree):
    map_layer_import(
        actor=None,
        county=tree.county,
        kind=MapLayerKind.ROAD,
        geojson={
            "type": "LineString",
            "coordinates": [[119.7, 29.1], [119.8, 29.1]],
        },
    )
    client = login(users.grassroots_staff)
    road = client.get("/sites/map/layers/road/").json()
    assert road["features"][0]["geometry"]["type"] == "LineString"
    assert client.get("/sites/map/layers/boundary/").json() == {
        "type": "FeatureCollection",
        "features": [],
    }
    assert client.get("/sites/map/layers/rivers/").status_code == 404


def test_map_pages_answer_404_without_the_sites_module(login, tree):
    from gonghui.accounts.models import Role
    from gonghui.testing.fixtures import make_user

    Role.objects.filter(code="social_worker").update(permissions={"orgs": ["view"]})
    nobody = make_user("no_sites", "social_worker", tree.a)
    client = login(nobody)
    for url in (
        "/sites/map/",
        "/sites/map/data/",
        "/sites/coverage/",
        "/sites/stats/",
        "/sites/layers/",
    ):
        assert client.get(url).status_code == 404, url


# --- map layers and the radius ----------------------------------------------------------------


def test_a_county_admin_uploads_a_layer_and_replaces_it(login, users, tree):
    client = login(users.county_admin)
    page = client.get("/sites/layers/")
    assert tree.county.name in page.content.decode()

    first = client.post(
        f"/sites/layers/{tree.county.pk}/upload/",
        {
            "kind": "built_up_area",
            "crs": "gcj02",
            "name": "城区",
            "geojson": _geojson_file(BUILT_UP),
        },
    )
    second = client.post(
        f"/sites/layers/{tree.county.pk}/upload/",
        {"kind": "built_up_area", "crs": "wgs84", "name": "", "geojson": _geojson_file(BUILT_UP)},
    )

    assert first.status_code == 302 and second.status_code == 302
    layer = MapLayer.objects.get(org=tree.county, kind="built_up_area")
    assert layer.version == 2 and layer.feature_count == 1
    # WGS-84 input is stored shifted into GCJ-02 (a few hundred metres in this area)
    stored = json.loads(layer.geojson)["features"][0]["geometry"]["coordinates"][0][0]
    assert stored != [119.715, 29.095]
    assert (
        AuditEvent.objects.filter(
            action=AuditAction.IMPORTED, object_type__icontains="layer"
        ).count()
        == 2
    )
    shown = client.get("/sites/layers/").content.decode()
    assert "第 2 版" in shown


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{not json", "文件不是有效的 GeoJSON(JSON 格式错误)。"),
        (
            json.dumps(
                {"type": "LineString", "coordinates": [[119.7, 29.1], [119.8, 29.1]]}
            ).encode(),
            "该图层只接受以下几何类型",
        ),
        (
            json.dumps(
                {
                    "type": "Polygon",
                    "coordinates": [[[0.5, 51.5], [0.6, 51.5], [0.6, 51.6], [0.5, 51.5]]],
                }
            ).encode(),
            "坐标不在中国境内",
        ),
    ],
)
def test_a_bad_layer_file_is_refused_in_chinese_and_nothing_is_stored(
    login, users, tree, content, message
):
    response = login(users.county_admin).post(
        f"/sites/layers/{tree.county.pk}/upload/",
        {"kind": "boundary", "crs": "gcj02", "geojson": SimpleUploadedFile("x.geojson", content)},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not MapLayer.objects.exists()


def test_a_township_user_cannot_upload_for_the_county(login, users, tree):
    client = login(users.township_staff)
    response = client.post(
        f"/sites/layers/{tree.county.pk}/upload/",
        {"kind": "boundary", "crs": "gcj02", "geojson": _geojson_file(BOUNDARY)},
    )
    assert response.status_code == 404
    own = client.post(
        f"/sites/layers/{tree.a.pk}/upload/",
        {"kind": "boundary", "crs": "gcj02", "geojson": _geojson_file(BOUNDARY)},
    )
    assert own.status_code == 200
    assert "地图图层和覆盖设置只能设在县级总工会。" in own.content.decode()
    assert not MapLayer.objects.exists()
    assert "地图图层由县级总工会管理" in client.get("/sites/layers/").content.decode()


def test_the_county_admin_sets_the_radius_with_range_check_and_version(login, users, tree):
    client = login(users.county_admin)
    url = f"/sites/layers/{tree.county.pk}/radius/"
    assert client.post(url, {"radius_m": "800"}).status_code == 302
    setting = CoverageSettings.objects.get(org=tree.county)
    assert setting.radius_m == 800

    too_small = client.post(url, {"radius_m": "50", "version": setting.version})
    stale = client.post(url, {"radius_m": "900", "version": setting.version + 5})

    assert too_small.status_code == 200 and stale.status_code == 200
    assert "覆盖半径" in too_small.content.decode()
    assert "覆盖设置已被他人修改，请刷新后重试。" in stale.content.decode()
    assert CoverageSettings.objects.get(org=tree.county).radius_m == 800


# --- coverage ---------------------------------------------------------------------------------


def test_coverage_page_shows_share_townships_suggestions_and_the_gap_layer(login, users, tree):
    map_layer_import(
        actor=None, county=tree.county, kind=MapLayerKind.BUILT_UP_AREA, geojson=BUILT_UP
    )
    build_site(org=tree.a1, lng=119.72, lat=29.10)
    tasks.coverage_refresh_schedule(county=tree.county)
    coverage.coverage_refresh_run(tree.county)
    client = login(users.county_admin)

    page = client.get("/sites/coverage/")
    data = client.get("/sites/coverage/data/?n=3").json()

    assert page.status_code == 200
    body = page.content.decode()
    area = page.context["area"]
    assert 0 < area.share < 1
    assert tree.a.name in body  # the township row
    suggestions = page.context["suggestions"]
    assert suggestions and suggestions[-1]["share_after"] == pytest.approx(1.0)  # gaps closed
    assert data["radius_m"] == 1000
    assert data["gaps"]["features"]
    assert len(data["suggestions"]["features"]) == min(3, len(suggestions))
    assert data["suggestions"]["features"][0]["properties"]["rank"] == 1


def test_coverage_page_without_layers_says_what_to_import(login, users):
    body = login(users.county_admin).get("/sites/coverage/").content.decode()
    assert "尚未导入建成区或县域边界图层" in body


# --- the stored coverage analysis -------------------------------------------------------------


def _stored_coverage(tree):
    map_layer_import(
        actor=None, county=tree.county, kind=MapLayerKind.BUILT_UP_AREA, geojson=BUILT_UP
    )
    site = build_site(org=tree.a1, lng=119.72, lat=29.10)
    tasks.coverage_refresh_schedule(county=tree.county)
    coverage.coverage_refresh_run(tree.county)
    return site


def _no_analysis(*args, **kwargs):
    raise AssertionError("the request computed the analysis")


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("who", ["county_admin", "township_staff"])
def test_coverage_pages_serve_the_stored_result_with_a_bounded_query_count(
    login, users, tree, monkeypatch, who
):
    # Given a stored, current result
    _stored_coverage(tree)
    client = login(getattr(users, who))
    monkeypatch.setattr(coverage, "county_area_coverage", _no_analysis)
    client.get("/sites/coverage/")  # the session settles

    # When the page and its map data are opened
    page = client.get("/sites/coverage/")
    data = client.get("/sites/coverage/data/?n=3").json()

    # Then they show the stored figures, when they were computed and that they are current
    body = page.content.decode()
    assert "分析结果计算于" in body and "是当前站点和图层的结果" in body
    assert "结果可能已过时" not in body
    assert page.context["area"].total > 0
    assert data["state"] == "current" and data["gaps"]["features"]
    # in a bounded number of queries that does not grow with the county's sites
    counts = [_queries(client, "/sites/coverage/"), _queries(client, "/sites/coverage/data/")]
    monkeypatch.undo()
    for n in range(12):
        build_site(org=tree.b1 if n % 2 else tree.a1, lng=119.716 + n * 0.001, lat=29.1)
    coverage.coverage_refresh_run(tree.county)
    monkeypatch.setattr(coverage, "county_area_coverage", _no_analysis)
    assert [_queries(client, "/sites/coverage/"), _queries(client, "/sites/coverage/data/")] == (
        counts
    )
    assert counts[0] <= 35 and counts[1] <= 20, counts


def test_an_outdated_result_is_shown_as_outdated_while_it_is_recomputed(login, users, tree):
    from gonghui.sites.services import site_set_status

    site = _stored_coverage(tree)
    site_set_status(actor=None, site=site, status=SiteStatus.CLOSED, reason="撤并")
    client = login(users.county_admin)

    body = client.get("/sites/coverage/").content.decode()
    status = client.get("/sites/coverage/data/?status=1").json()

    assert "结果可能已过时" in body and "正在后台重新计算" in body
    assert "是当前站点和图层的结果" not in body
    assert status["state"] == "stale" and status["queued"] is True
    stats = client.get("/sites/stats/").content.decode()
    assert "正在后台更新" in stats


def test_a_coverage_page_with_no_result_yet_says_it_is_being_computed(login, users, tree):
    map_layer_import(
        actor=None, county=tree.county, kind=MapLayerKind.BUILT_UP_AREA, geojson=BUILT_UP
    )
    client = login(users.county_admin)
    body = client.get("/sites/coverage/?cell=200").content.decode()
    assert "正在计算覆盖分析" in body
    assert client.get("/sites/coverage/data/?status=1&cell=200").json()["state"] == "missing"


# --- map and sign settings ------------------------------------------------------------------------

GAODE = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"


def _map_config(client):
    body = client.get("/sites/map/").content.decode()
    return json.loads(re.search(r'id="site-map-config"[^>]*>(.*?)</script>', body).group(1))


def test_the_settings_page_shows_the_offline_map_and_the_missing_public_url(login, users):
    body = login(users.county_admin).get("/sites/map/settings/").content.decode()
    assert "离线地图" in body and "部署配置" in body
    assert "尚未设置公网访问地址" in body
    assert 'name="tile_url"' in body and "填入高德地图" in body and "测试瓦片地址" in body


def test_a_county_admin_chooses_gaode_tiles_and_a_public_url_audited(login, users, tree):
    from gonghui.sites.models import MapSettings

    client = login(users.county_admin)
    response = client.post(
        "/sites/map/settings/",
        {
            "tile_mode": "tiles",
            "tile_url": GAODE,
            "tile_attribution": "© 高德地图",
            "public_url": "https://gonghui.qinghe.gov.cn/",
        },
    )

    assert response.status_code == 302
    row = MapSettings.objects.get()
    assert (row.tile_url, row.tile_attribution, row.public_url) == (
        GAODE, "© 高德地图", "https://gonghui.qinghe.gov.cn",
    )  # fmt: skip
    event = AuditEvent.objects.get(action=AuditAction.UPDATED, object_type="sites.MapSettings")
    assert (event.user, event.org) == (users.county_admin, tree.county)
    assert event.detail["changed"]["tile_url"] == [None, GAODE]
    # and the staff maps load those tiles
    config = _map_config(client)
    assert (config["tile_url"], config["tile_attribution"]) == (GAODE, "© 高德地图")


def test_every_settings_error_is_reported_in_one_round_and_nothing_is_stored(login, users):
    from gonghui.sites.models import MapSettings

    response = login(users.county_admin).post(
        "/sites/map/settings/",
        {
            "tile_mode": "tiles",
            "tile_url": "https://tiles.example.gov.cn/{z}/{x}.png",
            "public_url": "http://127.0.0.1:8000",
        },
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "瓦片地址缺少 {y}" in body
    assert "“http://127.0.0.1:8000”是本机地址，职工的手机无法打开" in body
    assert not MapSettings.objects.exists()


@pytest.mark.parametrize("who", ["county_staff", "township_admin"])
def test_only_a_county_admin_may_change_the_settings(login, users, tree, who):
    from gonghui.sites.models import MapSettings
    from gonghui.testing.fixtures import make_user

    user = (
        users.county_staff
        if who == "county_staff"
        else make_user("a_admin", "county_admin", tree.a)  # held below county level
    )
    client = login(user)
    page = client.get("/sites/map/settings/").content.decode()
    response = client.post(
        "/sites/map/settings/",
        {"tile_mode": "tiles", "tile_url": GAODE, "public_url": "https://gh.qinghe.gov.cn"},
    )
    assert "只有县总工会管理员可以修改" in page
    assert "只有县总工会管理员可以修改地图与标牌设置" in response.content.decode()
    assert not MapSettings.objects.exists()


def test_offline_overrides_a_deployed_tile_url_until_reset(login, users, settings):
    from gonghui.sites.models import MapSettings

    settings.MAP_TILE_URL = "https://intranet-map.qinghe.gov.cn/{z}/{x}/{y}.png"
    client = login(users.county_admin)
    assert _map_config(client)["tile_url"] == settings.MAP_TILE_URL  # the default

    client.post("/sites/map/settings/", {"tile_mode": "offline", "tile_url": ""})
    assert _map_config(client)["tile_url"] == ""
    assert MapSettings.objects.get().tile_url == ""

    client.post("/sites/map/settings/", {"tile_mode": "offline", "reset": "1"})
    assert _map_config(client)["tile_url"] == settings.MAP_TILE_URL
    assert MapSettings.objects.get().tile_url is None


def test_an_unusable_deployed_tile_url_falls_back_to_the_offline_map(login, users, settings):
    settings.MAP_TILE_URL = "https://tiles.example.gov.cn/tile.png"  # no {z}/{x}/{y}
    client = login(users.county_admin)
    assert _map_config(client)["tile_url"] == ""
    body = client.get("/sites/map/settings/").content.decode()
    assert "部署配置中的瓦片地址不可用" in body


@pytest.mark.parametrize(
    ("template", "problem"),
    [
        (GAODE, ""),
        ("https://map.qinghe.gov.cn/tiles/{z}/{x}/{-y}.png", ""),
        ("http://10.1.2.3:8080/{z}/{x}/{y}.png{r}", ""),
        ("", ""),  # no tiles: the offline map
        ("https://tiles.example.gov.cn/{z}/{y}.png", "缺少 {x}"),
        ("https://tiles.example.gov.cn/{x}/{y}.png", "缺少 {z}"),
        ("https://tiles.example.gov.cn/{z}/{x}/{y}.png?key={key}", "不支持的占位符 {key}"),
        ("ftp://tiles.example.gov.cn/{z}/{x}/{y}.png", "应以 https:// 或 http:// 开头"),
        ("/tiles/{z}/{x}/{y}.png", "应以 https:// 或 http:// 开头"),
        ("https://tiles.example.gov.cn/{z}/{x}/ {y}.png", "不能有空格"),
    ],
)
def test_tile_template_checks(template, problem):
    from gonghui.sites.mapsettings import tile_url_problem

    found = tile_url_problem(template)
    assert (problem in found) if problem else found == ""


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://gonghui.qinghe.gov.cn", ""),
        ("https://gonghui.qinghe.gov.cn/", ""),
        ("http://61.135.169.125:8080", ""),
        ("", "尚未设置公网访问地址"),
        ("http://127.0.0.1:8000", "是本机地址"),
        ("http://localhost:8000", "是本机地址"),
        ("http://[::1]:8000", "是本机地址"),
        ("https://192.168.1.20", "是内网或保留 IP 地址"),
        ("http://10.0.0.5:8000", "是内网或保留 IP 地址"),
        ("http://172.20.1.1", "是内网或保留 IP 地址"),
        ("http://100.64.0.1", "是内网或保留 IP 地址"),
        ("http://gonghui-server:8000", "是只在内网可用的主机名"),
        ("https://gonghui.local", "是只在内网可用的域名"),
        ("https://gh.corp", "是只在内网可用的域名"),
        ("https://gonghui.qinghe.gov.cn/portal/", "只应包含协议和域名"),
        ("gonghui.qinghe.gov.cn", "格式不正确"),
    ],
)
def test_public_url_checks(url, problem):
    from gonghui.sites.mapsettings import public_url_problem

    found = public_url_problem(url)
    assert (problem in found) if problem else found == ""


@pytest.mark.parametrize(
    ("template", "source"),
    [
        (GAODE, "https://*.is.autonavi.com"),
        ("http://10.1.2.3:8080/{z}/{x}/{y}.png", "http://10.1.2.3:8080"),
        ("https://t{s}.map.qinghe.gov.cn/{z}/{x}/{y}.png", "https://*.map.qinghe.gov.cn"),
        ("", ""),
        ("https://tiles.example.gov.cn/tile.png", ""),
    ],
)
def test_the_tile_host_as_a_content_security_policy_source(template, source):
    from gonghui.sites.mapsettings import tile_csp_source

    assert tile_csp_source(template) == source


def _img_sources(response) -> list[str]:
    policy = response.headers.get("Content-Security-Policy", "")
    directive = next(d for d in policy.split(";") if d.strip().startswith("img-src"))
    return directive.split()[1:]


def test_map_pages_let_the_browser_load_the_tile_server_saved_in_the_database(login, users):
    client = login(users.county_admin)
    client.post(
        "/sites/map/settings/",
        {"tile_mode": "tiles", "tile_url": "https://tiles.qinghe.gov.cn/{z}/{x}/{y}.png"},
    )

    for url in ["/sites/map/", "/sites/coverage/", "/sites/new/"]:
        assert "https://tiles.qinghe.gov.cn" in _img_sources(client.get(url)), url
    assert "https:" in _img_sources(client.get("/sites/map/settings/"))  # tries unsaved hosts
    assert "https://tiles.qinghe.gov.cn" not in _img_sources(client.get("/members/"))


def test_an_offline_map_adds_no_image_host(login, users):
    client = login(users.county_admin)

    assert _img_sources(client.get("/sites/map/")) == ["'self'", "data:"]
