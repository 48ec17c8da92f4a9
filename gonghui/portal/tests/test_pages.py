"""The portal pages, anonymously and without JavaScript: home, the site finder (position,
township, address), a site's page (QR target) with check-in and feedback."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.urls import reverse

from gonghui.core import geo
from gonghui.members.tests.factories import make_id_number
from gonghui.portal.registry import PORTAL_SERVICES, PortalService, portal_links
from gonghui.sites.models import CheckIn, SiteFeedback, SiteKind, SiteStatus
from gonghui.sites.public import services as public
from gonghui.sites.services import FEEDBACK_PER_IP, site_set_status
from gonghui.sites.tests.factories import build_site

ALWAYS_OPEN = {"is_24h": True}


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_factory(tree):
    def _make(org=None, **overrides):
        return build_site(org=org or tree.a1, **overrides)

    return _make


def _html(response) -> str:
    return response.content.decode()


# --- anonymous access ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_portal_page_answers_anonymous_visitors(client, site_factory):
    site = site_factory(**ALWAYS_OPEN)
    assert client.get("/portal/").status_code == 200
    assert client.get("/portal/nearest/").status_code == 200
    assert client.get(f"/portal/sites/{site.site_code}/").status_code == 200
    assert client.post(f"/portal/sites/{site.site_code}/checkin/").status_code == 302
    response = client.post(
        f"/portal/sites/{site.site_code}/feedback/", {"kind": "repair", "text": "饮水机坏了"}
    )
    assert response.status_code == 302


def test_the_site_page_is_at_the_address_printed_on_qr_codes():
    assert reverse("portal:site", args=["339901-HW-0007"]) == "/portal/sites/339901-HW-0007/"


# --- home -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_home_links_only_to_pages_that_exist(client):
    html = _html(client.get("/portal/"))
    assert 'href="/join/"' in html
    assert 'href="/portal/nearest/"' in html
    assert 'href="/join/status/"' in html
    assert "网上入会" in html and "查找附近站点" in html and "入会进度查询" in html


def test_a_service_whose_page_does_not_exist_is_not_shown(monkeypatch):
    later = PortalService("法律援助申请", "尚未建成", "rights:no_such_page", "法")
    monkeypatch.setattr("gonghui.portal.registry.PORTAL_SERVICES", [*PORTAL_SERVICES, later])
    titles = [link.title for link in portal_links()]
    assert "法律援助申请" not in titles
    assert titles == [s.title for s in PORTAL_SERVICES]


# --- nearest ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nearest_from_a_phone_position_lists_open_sites_by_distance(client, site_factory):
    # given three sites east of a point, one of them closed, and the phone's WGS-84 position
    near = site_factory(name="近处站点", lng=119.7210, lat=29.1000, **ALWAYS_OPEN)
    closed = site_factory(name="关闭站点", lng=119.7205, lat=29.1000, **ALWAYS_OPEN)
    site_set_status(actor=None, site=closed, status=SiteStatus.CLOSED, reason="拆迁")
    far = site_factory(name="远处站点", lng=119.7400, lat=29.1000, **ALWAYS_OPEN)
    w_lng, w_lat = geo.gcj02_to_wgs84(119.7200, 29.1000)
    # when
    html = _html(client.get("/portal/nearest/", {"lat": w_lat, "lng": w_lng, "crs": "wgs84"}))
    # then: the open ones, nearest first, with distance, open-now and directions
    assert "离您最近的站点" in html
    assert "关闭站点" not in html
    assert html.index(near.name) < html.index(far.name)
    assert "97 米" in html  # 0.001° of longitude at 29.1° N
    assert "正在开放" in html
    assert f"https://uri.amap.com/navigation?to={near.lng:.6f},{near.lat:.6f}," in html
    assert "mode=walk" in html
    assert "https://api.map.baidu.com/direction?origin=latlng:29.100000,119.720000" in html
    assert "baidumap://map/direction?" in html


@pytest.mark.django_db
def test_nearest_filters_by_kind_and_open_now(client, site_factory):
    canteen = site_factory(name="职工食堂甲", kind=SiteKind.CANTEEN, opening_hours={})
    station = site_factory(name="驿站乙", **ALWAYS_OPEN)
    point = {"lat": canteen.lat, "lng": canteen.lng, "crs": "gcj02"}
    only_canteens = _html(client.get("/portal/nearest/", {**point, "kind": "canteen"}))
    assert canteen.name in only_canteens and station.name not in only_canteens
    open_only = _html(client.get("/portal/nearest/", {**point, "open_now": "1"}))
    assert station.name in open_only and canteen.name not in open_only


@pytest.mark.django_db
def test_nearest_with_a_bad_position_explains_and_offers_the_fallback(client):
    response = client.get("/portal/nearest/", {"lat": "48.85", "lng": "2.35"})
    html = _html(response)
    assert response.status_code == 200
    assert "坐标不在中国境内" in html
    assert 'id="township-form"' in html and 'id="search-form"' in html


@pytest.mark.django_db
def test_township_fallback_lists_townships_with_sites_and_sites_near_its_centre(
    client, tree, site_factory
):
    # given sites in township A only
    site = site_factory(township=tree.a, **ALWAYS_OPEN)
    # when the finder opens, A is offered (B has no sites)
    html = _html(client.get("/portal/nearest/"))
    assert f'<option value="{tree.a.pk}"' in html
    assert f'<option value="{tree.b.pk}"' not in html
    # when A is chosen
    html = _html(client.get("/portal/nearest/", {"township": tree.a.pk}))
    assert f"{tree.a.name}中心附近的站点" in html
    assert site.name in html
    # a township without sites explains itself
    html = _html(client.get("/portal/nearest/", {"township": tree.b.pk}))
    assert "暂无开放的站点" in html


@pytest.mark.django_db
def test_address_search_finds_sites_by_name_or_address(client, site_factory):
    site = site_factory(name="解放路驿站", address="青禾县解放路12号", **ALWAYS_OPEN)
    other = site_factory(name="东湖驿站", address="东湖路1号", **ALWAYS_OPEN)
    html = _html(client.get("/portal/nearest/", {"q": "解放路"}))
    assert site.name in html and other.name not in html
    html = _html(client.get("/portal/nearest/", {"q": "火星基地"}))
    assert "没有找到与“火星基地”相关的站点" in html


@pytest.mark.django_db
def test_address_search_by_a_township_name_searches_around_its_centre(client, tree, site_factory):
    site = site_factory(name="某驿站", address="某路1号", township=tree.a, **ALWAYS_OPEN)
    html = _html(client.get("/portal/nearest/", {"q": tree.a.name}))
    assert f"{tree.a.name}中心附近的站点" in html
    assert site.name in html


@pytest.mark.django_db
def test_a_missing_rate_limit_table_never_turns_portal_pages_into_server_errors(
    client, site_factory
):
    site = site_factory(**ALWAYS_OPEN)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE core_ratecounter RENAME TO core_ratecounter_gone")
    nearest = client.get("/portal/nearest/", {"lat": site.lat, "lng": site.lng, "crs": "gcj02"})
    assert nearest.status_code == 200 and site.name in _html(nearest)
    assert client.get(reverse("portal:site", args=[site.site_code])).status_code == 200
    checkin = client.post(reverse("portal:site_checkin", args=[site.site_code]))
    assert checkin.status_code in (200, 302) and CheckIn.objects.count() == 1
    status = client.post("/join/status/", {"id_number": make_id_number(), "phone": "13912345678"})
    assert status.status_code == 404 and "未查到" in _html(status)  # counted, then not found


@pytest.mark.django_db
def test_nearest_page_is_rate_limited_with_a_chinese_429_page(client, site_factory):
    for _ in range(public.PUBLIC_READS_PER_MINUTE):
        public.public_rate_check("127.0.0.1")
    response = client.get("/portal/nearest/")
    assert response.status_code == 429
    assert "操作过于频繁" in _html(response)


# --- a site's page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_site_page_shows_hours_facilities_standards_and_a_masked_mobile(client, site_factory):
    site = site_factory(
        contact_name="王师傅",
        contact_phone="13912345678",
        facilities=["room", "water", "charging"],
        standards=["sign", "siting"],
    )
    html = _html(client.get(f"/portal/sites/{site.site_code}/"))
    assert site.name in html and site.address in html
    assert "139****5678" in html and "13912345678" not in html
    assert 'href="tel:' not in html
    assert "休息场所" in html and "冷热饮水" in html and "充电" in html
    # sign and siting ticked, on the map by its point; 有服务设施 needs 桌椅 too
    assert html.count('class="met"') == 3 and html.count('class="unmet"') == 3
    assert html.count('aria-current="date"') == 1
    assert 'id="checkin-button"' in html and 'id="feedback-form"' in html


@pytest.mark.django_db
def test_site_page_links_a_published_landline(client, site_factory):
    site = site_factory(contact_phone="0579-85551234")
    assert 'href="tel:057985551234"' in _html(client.get(f"/portal/sites/{site.site_code}/"))


@pytest.mark.django_db
def test_a_suspended_site_says_so_and_takes_no_checkins(client, site_factory):
    site = site_factory(**ALWAYS_OPEN)
    site_set_status(actor=None, site=site, status=SiteStatus.SUSPENDED, reason="场地装修")
    html = _html(client.get(f"/portal/sites/{site.site_code}/"))
    assert "该站点暂停服务" in html and "场地装修" in html
    assert 'id="checkin-button"' not in html
    response = client.post(f"/portal/sites/{site.site_code}/checkin/", follow=True)
    assert "暂不能打卡" in _html(response)
    assert not CheckIn.objects.exists()


@pytest.mark.django_db
def test_a_closed_site_says_so_and_takes_no_feedback(client, site_factory):
    site = site_factory()
    site_set_status(actor=None, site=site, status=SiteStatus.CLOSED, reason="拆迁")
    html = _html(client.get(f"/portal/sites/{site.site_code}/"))
    assert "该站点已关闭" in html and 'id="feedback-form"' not in html
    response = client.post(
        f"/portal/sites/{site.site_code}/feedback/", {"kind": "repair", "text": "饮水机坏了"}
    )
    assert response.status_code == 422
    assert "不再受理反馈" in _html(response)
    assert not SiteFeedback.objects.exists()


@pytest.mark.django_db
def test_unknown_code_answers_a_chinese_404_page(client):
    for path in ("/portal/sites/339901-HW-9999/", "/portal/sites/339901-HW-9999/checkin/"):
        response = client.get(path) if path.endswith("9999/") else client.post(path)
        assert response.status_code == 404
        assert "未找到该站点" in _html(response)


@pytest.mark.django_db
def test_a_lowercase_code_redirects_to_the_printed_spelling(client, site_factory):
    site = site_factory()
    response = client.get(f"/portal/sites/{site.site_code.lower()}/")
    assert response.status_code == 301
    assert response["Location"] == f"/portal/sites/{site.site_code}/"


@pytest.mark.django_db
def test_checkin_counts_once_per_ip_in_30_minutes_and_thanks(client, site_factory):
    site = site_factory(**ALWAYS_OPEN)
    first = client.post(f"/portal/sites/{site.site_code}/checkin/", follow=True)
    assert "打卡成功" in _html(first)
    again = client.post(f"/portal/sites/{site.site_code}/checkin/", follow=True)
    assert "30 分钟内不重复计数" in _html(again)
    assert CheckIn.objects.get(site=site).count == 1


@pytest.mark.django_db
def test_feedback_is_stored_for_the_managing_org_and_thanked(client, tree, site_factory):
    site = site_factory(org=tree.a1)
    response = client.post(
        f"/portal/sites/{site.site_code}/feedback/",
        {"kind": "repair", "text": "空调不制冷，请维修", "phone": "139-1234-5678"},
        follow=True,
    )
    assert "感谢您的反馈" in _html(response)
    report = SiteFeedback.objects.get()
    assert (report.org_id, report.kind, report.phone) == (tree.a1.pk, "repair", "13912345678")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "repair", "text": "短"}, "请至少填写 5 个字。"),
        ({"kind": "repair", "text": "饮水机坏了", "phone": "12345"}, "手机"),
        ({"kind": "", "text": "饮水机坏了"}, "请选择反馈类型。"),
    ],
)
def test_feedback_errors_are_shown_in_chinese_and_nothing_is_stored(
    client, site_factory, data, message
):
    site = site_factory()
    response = client.post(f"/portal/sites/{site.site_code}/feedback/", data)
    assert response.status_code == 422
    assert message in _html(response)
    assert not SiteFeedback.objects.exists()


@pytest.mark.django_db
def test_feedback_flood_answers_the_429_page(client, site_factory):
    site = site_factory()
    data = {"kind": "feedback", "text": "希望增加座椅"}
    for _ in range(FEEDBACK_PER_IP):
        assert client.post(f"/portal/sites/{site.site_code}/feedback/", data).status_code == 302
    response = client.post(f"/portal/sites/{site.site_code}/feedback/", data)
    assert response.status_code == 429
    assert "提交过于频繁" in _html(response)
    assert SiteFeedback.objects.count() == FEEDBACK_PER_IP


@pytest.mark.django_db
def test_public_forms_need_the_csrf_token(site_factory):
    from django.test import Client

    site = site_factory(**ALWAYS_OPEN)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"/portal/sites/{site.site_code}/checkin/").status_code == 403
    assert not CheckIn.objects.exists()


# --- issue 14 #8: pages that contradicted themselves ---------------------------------------------


@pytest.mark.django_db
def test_six_standard_facilities_item_follows_the_facility_checklist(client, tree, site_factory):
    """Seven facilities recorded, nothing ticked: 有服务设施 is met, on the portal and on
    the staff page alike; a tick without the facilities does not make it met."""
    seven = ["room", "table_chairs", "microwave", "water", "air_conditioning", "toilet", "charging"]
    equipped = site_factory(facilities=seven, standards=[])
    bare = site_factory(facilities=["charging"], standards=["facilities"])
    assert equipped.standards_met["facilities"] and not bare.standards_met["facilities"]
    html = _html(client.get(f"/portal/sites/{equipped.site_code}/"))
    assert (
        '<span aria-hidden="true">✓</span> 有服务设施<span class="sr-only">(已达到)</span>' in html
    )
    html = _html(client.get(f"/portal/sites/{bare.site_code}/"))
    assert (
        '<span aria-hidden="true">–</span> 有服务设施<span class="sr-only">(未达到)</span>' in html
    )
    assert equipped.standard_codes == ["facilities", "on_map"]


@pytest.mark.django_db
def test_an_industry_union_is_never_offered_as_a_township(client, tree, site_factory):
    from gonghui.orgs.models import OrgLevel, OrgType
    from gonghui.orgs.services import org_create

    industry = org_create(
        actor=None,
        parent=tree.county,
        name="测试县快递物流行业工会",
        type=OrgType.INDUSTRY,
        level=OrgLevel.TOWNSHIP,
        code="999009",
    )
    site = site_factory(org=industry, **ALWAYS_OPEN)
    site_factory(township=tree.a, **ALWAYS_OPEN)
    assert site.township is None  # a trade union's site lies in no township by the tree
    html = _html(client.get("/portal/nearest/"))
    assert f'<option value="{tree.a.pk}"' in html
    assert industry.name not in html
    assert "暂无开放的站点" in _html(client.get("/portal/nearest/", {"township": industry.pk}))
    apply_page = _html(client.get("/portal/assistance/apply/"))
    assert tree.a.name in apply_page and industry.name not in apply_page


@pytest.mark.django_db
def test_nearest_says_which_listed_sites_are_open_now(client, site_factory):
    """The page promised "正常开放站点" and listed stations closed at this hour."""
    open_site = site_factory(name="全天站点", **ALWAYS_OPEN)
    shut = site_factory(name="休息站点", opening_hours={})
    point = {"lat": open_site.lat, "lng": open_site.lng, "crs": "gcj02"}
    html = _html(client.get("/portal/nearest/", point))
    assert "正常开放站点" not in html
    assert shut.name in html and open_site.name in html
    assert "共 2 个站点，其中 1 个现在开放" in html
    row = html[html.index(shut.name) :]
    assert "现在不开放" in row[:600] and "今天 不开放" in row[:800]


@pytest.mark.django_db
def test_join_pages_carry_the_portal_header(client):
    for url in ("/join/", "/join/status/"):
        html = _html(client.get(url))
        assert '<a class="portal-back" href="/portal/"' in html, url
