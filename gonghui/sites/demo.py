"""Demo service sites for the fictional 青禾县: a synthetic county outline, roads and built-up
areas (GCJ-02) around made-up township centres, ≥ 60 sites of every kind and status, opening
hours, facilities, a few feedback reports and months of check-ins.

Idempotent: layers are imported once; sites carry fixed codes (339901-<kind>-NNNN) and are
skipped when the code exists; feedback and check-ins are only added to sites that have none.
"""

import datetime
import math
import random

from django.db import transaction
from django.utils import timezone

from gonghui.orgs.models import Org
from gonghui.sites.models import (
    KIND_CODE_LETTERS,
    CheckIn,
    Facility,
    FeedbackKind,
    MapLayer,
    MapLayerKind,
    ServiceSite,
    SiteFeedback,
    SiteKind,
    SiteStatus,
    Standard,
)
from gonghui.sites.services import (
    feedback_answer,
    feedback_close,
    feedback_submit,
    map_layer_import,
    site_create,
)

COUNTY_CODE = "339901"
CENTRE = (119.72, 29.10)  # a fictional county seat (GCJ-02 lng, lat)
TOWNSHIP_NAMES = [
    "青禾街道",
    "东湖街道",
    "西岭镇",
    "南塘镇",
    "北山镇",
    "石桥镇",
    "柳溪镇",
    "梅林镇",
    "白沙乡",
    "云台乡",
    "青禾经济开发区",
    "青禾高新技术产业园",
]
# Township centres as (bearing in degrees, distance in degrees) from the county seat.
TOWNSHIP_PLACES = [
    (0, 0.0),
    (80, 0.035),
    (260, 0.10),
    (185, 0.11),
    (5, 0.12),
    (300, 0.13),
    (220, 0.14),
    (130, 0.12),
    (160, 0.15),
    (40, 0.14),
    (110, 0.06),
    (340, 0.06),
]
KIND_WORDS = {
    SiteKind.OUTDOOR_STATION: "户外劳动者服务站",
    SiteKind.LOVE_STATION: "爱心驿站",
    SiteKind.CANTEEN: "职工食堂",
    SiteKind.NURSING_ROOM: "爱心母婴室",
    SiteKind.SERVICE_CENTER: "职工服务中心",
    SiteKind.WORKERS_HOME: "职工之家",
}
HOST_WORDS = "邮政网点 供电营业厅 银行网点 加油站 社区服务中心 物业服务中心 公交首末站 环卫工人休息点 商场 医院".split()
PLACE_WORDS = (
    "人民路 解放路 文化路 建设路 新华路 青禾大道 东湖路 滨江路 工业路 学府路 长安路 和平路".split()
)
WEEKDAYS5 = ("mon", "tue", "wed", "thu", "fri")
ALL_DAYS = (*WEEKDAYS5, "sat", "sun")
FEEDBACK_TEXTS = [
    (FeedbackKind.REPAIR, "站点的微波炉坏了，加热不了饭菜，麻烦尽快维修。"),
    (FeedbackKind.REPAIR, "饮水机没有热水，冬天很不方便。"),
    (FeedbackKind.FEEDBACK, "希望站点能延长开放时间，晚上送餐结束后也能歇歇脚。"),
    (FeedbackKind.FEEDBACK, "工作人员很热情，谢谢工会！"),
    (FeedbackKind.REPAIR, "充电插座有两个不通电。"),
    (FeedbackKind.FEEDBACK, "门口的标识牌被树挡住了，不太好找。"),
    (FeedbackKind.REPAIR, "空调遥控器找不到了，夏天太热。"),
    (FeedbackKind.FEEDBACK, "建议增加一些雨具借用。"),
]


def _offset(point, bearing_deg: float, distance_deg: float) -> tuple[float, float]:
    b = math.radians(bearing_deg)
    lng = point[0] + distance_deg * math.sin(b) / math.cos(math.radians(point[1]))
    lat = point[1] + distance_deg * math.cos(b)
    return round(lng, 6), round(lat, 6)


def _ring(centre, radius_deg: float, rng: random.Random, n: int = 16, jitter: float = 0.2):
    ring = [
        list(_offset(centre, 360 * i / n, radius_deg * (1 + rng.uniform(-jitter, jitter))))
        for i in range(n)
    ]
    return [*ring, ring[0]]


def township_centres() -> list[tuple[float, float]]:
    return [_offset(CENTRE, bearing, dist) for bearing, dist in TOWNSHIP_PLACES]


def demo_layers(seed: int) -> dict[str, dict]:
    """The synthetic county boundary, roads and built-up areas (GeoJSON, GCJ-02)."""
    rng = random.Random(f"sites-layers-{seed}")
    centres = township_centres()
    boundary = {
        "type": "Feature",
        "properties": {"name": "青禾县"},
        "geometry": {"type": "Polygon", "coordinates": [_ring(CENTRE, 0.22, rng, 28, 0.08)]},
    }
    built_up = []
    for name, centre in zip(TOWNSHIP_NAMES, centres, strict=True):
        radius = 0.03 if name == "青禾街道" else rng.uniform(0.010, 0.018)
        built_up.append(
            {
                "type": "Feature",
                "properties": {"name": f"{name}建成区"},
                "geometry": {"type": "Polygon", "coordinates": [_ring(centre, radius, rng)]},
            }
        )
    roads = []
    for name, centre in zip(TOWNSHIP_NAMES[1:], centres[1:], strict=True):
        bend = _offset(
            ((centre[0] + CENTRE[0]) / 2, (centre[1] + CENTRE[1]) / 2),
            rng.uniform(0, 360),
            0.01,
        )
        roads.append(
            {
                "type": "Feature",
                "properties": {"name": f"青禾至{name}公路"},
                "geometry": {
                    "type": "LineString",
                    "coordinates": [list(CENTRE), list(bend), list(centre)],
                },
            }
        )
    ring_road = [list(c) for c in centres[2:10]]
    roads.append(
        {
            "type": "Feature",
            "properties": {"name": "环县公路"},
            "geometry": {"type": "LineString", "coordinates": [*ring_road, ring_road[0]]},
        }
    )
    return {
        MapLayerKind.BOUNDARY: {"type": "FeatureCollection", "features": [boundary]},
        MapLayerKind.BUILT_UP_AREA: {"type": "FeatureCollection", "features": built_up},
        MapLayerKind.ROAD: {"type": "FeatureCollection", "features": roads},
    }


def _hours(kind: str, rng: random.Random) -> tuple[dict, bool]:
    if kind == SiteKind.OUTDOOR_STATION:
        if rng.random() < 0.3:
            return {}, True
        return {d: [["07:00", "19:00"]] for d in ALL_DAYS}, False
    if kind == SiteKind.LOVE_STATION:
        if rng.random() < 0.2:
            return {d: [["20:00", "02:00"]] for d in ALL_DAYS}, False  # night riders
        return {d: [["08:00", "20:00"]] for d in ALL_DAYS}, False
    if kind == SiteKind.CANTEEN:
        meals = [["06:30", "08:30"], ["11:00", "13:00"], ["17:00", "19:00"]]
        return {d: meals for d in WEEKDAYS5}, False
    if kind == SiteKind.NURSING_ROOM:
        return {**{d: [["08:30", "17:30"]] for d in WEEKDAYS5}, "sat": [["09:00", "17:00"]]}, False
    if kind == SiteKind.SERVICE_CENTER:
        return {d: [["08:30", "12:00"], ["14:00", "17:30"]] for d in WEEKDAYS5}, False
    return {**{d: [["18:00", "21:30"]] for d in WEEKDAYS5}, "sat": [["09:00", "21:30"]]}, False


def _facilities(kind: str, rng: random.Random) -> list[str]:
    base = {
        SiteKind.OUTDOOR_STATION: ["room", "table_chairs", "water", "toilet", "charging"],
        SiteKind.LOVE_STATION: ["room", "table_chairs", "microwave", "water", "charging", "wifi"],
        SiteKind.CANTEEN: ["room", "table_chairs", "microwave", "water", "toilet"],
        SiteKind.NURSING_ROOM: ["room", "table_chairs", "water", "air_conditioning"],
        SiteKind.SERVICE_CENTER: ["room", "table_chairs", "water", "toilet", "wifi", "first_aid"],
        SiteKind.WORKERS_HOME: ["room", "table_chairs", "water", "wifi", "air_conditioning"],
    }[kind]
    extra = [c for c in Facility.values if c not in base and rng.random() < 0.4]
    return [*base, *extra]


def _site_name(township: str, place: str, host: str, kind: str) -> str:
    short = township.removesuffix("街道").removesuffix("镇").removesuffix("乡")
    if place.startswith(short):
        short = ""
    return f"{short}{place}{host}{KIND_WORDS[kind]}"


def _plan(seed: int) -> list[dict]:
    """The demo sites: per township 5–6 of mixed kinds; a few suspended and closed."""
    rng = random.Random(f"sites-plan-{seed}")
    kinds = list(SiteKind.values)
    counters = dict.fromkeys(kinds, 0)
    plan = []
    for index, (name, centre) in enumerate(
        zip(TOWNSHIP_NAMES, township_centres(), strict=True), start=1
    ):
        count = 6 if index <= 4 else 5
        for n in range(count):
            kind = kinds[(index + n) % len(kinds)]
            if kind == SiteKind.SERVICE_CENTER and n > 2:
                kind = SiteKind.OUTDOOR_STATION
            counters[kind] += 1
            spread = 0.02 if index == 1 else 0.012
            bearing, distance = rng.uniform(0, 360), abs(rng.gauss(0, spread))
            if rng.random() < 0.12:  # a few outside the built-up core, for coverage gaps
                distance += 0.03
            lng, lat = _offset(centre, bearing, min(distance, 0.05))
            hours, is_24h = _hours(kind, rng)
            roll = rng.random()
            status = (
                SiteStatus.CLOSED
                if roll < 0.06
                else SiteStatus.SUSPENDED
                if roll < 0.14
                else SiteStatus.OPEN
            )
            host = rng.choice(HOST_WORDS)
            place = rng.choice(PLACE_WORDS)
            plan.append(
                dict(
                    township_index=index,
                    kind=kind,
                    site_code=f"{COUNTY_CODE}-{KIND_CODE_LETTERS[kind]}-{counters[kind]:04d}",
                    name=_site_name(name, place, host, kind),
                    lng=lng,
                    lat=lat,
                    address=f"青禾县{name}{place}{rng.randint(1, 400)}号",
                    host_unit=f"青禾县{name}{host}",
                    contact_name=rng.choice("王李张刘陈杨黄赵周吴")
                    + rng.choice("明华建国秀英红梅志刚"),
                    contact_phone=f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                    opening_hours=hours,
                    is_24h=is_24h,
                    facilities=_facilities(kind, rng),
                    standards=[s for s in Standard.values if rng.random() < 0.85],
                    status=status,
                    status_reason={
                        SiteStatus.CLOSED: "依托单位搬迁，站点撤并",
                        SiteStatus.SUSPENDED: "场地装修，暂停服务",
                    }.get(status, ""),
                    status_days_ago=rng.randint(5, 200),
                )
            )
    # Make sure each kind has each status at least once.
    for kind in kinds:
        own = [p for p in plan if p["kind"] == kind]
        for status, reason in (
            (SiteStatus.SUSPENDED, "设施维修，暂停服务"),
            (SiteStatus.CLOSED, "依托单位搬迁，站点撤并"),
        ):
            if len(own) > 2 and not any(p["status"] == status for p in own):
                target = next(p for p in reversed(own) if p["status"] == SiteStatus.OPEN)
                target["status"], target["status_reason"] = status, reason
    return plan


@transaction.atomic
def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return "skipped: the demo county is missing (run gonghui.orgs.demo first)"
    layers_added = 0
    for kind, collection in demo_layers(seed).items():
        if not MapLayer.objects.filter(org=county, kind=kind).exists():
            map_layer_import(actor=None, county=county, kind=kind, geojson=collection)
            layers_added += 1
    townships = {
        i: Org.objects.filter(code=f"{COUNTY_CODE}{i:03d}").first()
        for i in range(1, len(TOWNSHIP_NAMES) + 1)
    }
    today = timezone.localdate()
    existing = set(ServiceSite.objects.values_list("site_code", flat=True))
    created = 0
    for item in _plan(seed):
        if item["site_code"] in existing:
            continue
        township = townships.get(item["township_index"])
        org = (
            county
            if item["kind"] == SiteKind.SERVICE_CENTER and item["township_index"] == 1
            else township
        )
        if org is None:
            continue
        site_create(
            actor=None,
            org=org,
            township=township,
            kind=item["kind"],
            name=item["name"],
            lng=item["lng"],
            lat=item["lat"],
            address=item["address"],
            host_unit=item["host_unit"],
            contact_name=item["contact_name"],
            contact_phone=item["contact_phone"],
            opening_hours=item["opening_hours"],
            is_24h=item["is_24h"],
            facilities=item["facilities"],
            standards=item["standards"],
            description="提供休息、饮水、热饭、充电、如厕等服务，欢迎户外劳动者就近使用。",
            status=item["status"],
            status_reason=item["status_reason"],
            status_changed_on=today - datetime.timedelta(days=item["status_days_ago"]),
            site_code=item["site_code"],
        )
        created += 1
    feedback_added = _seed_feedback(seed)
    checkins_added = _seed_checkins(seed, today)
    return (
        f"{ServiceSite.objects.count()} sites (+{created}), +{layers_added} map layers, "
        f"+{feedback_added} feedback, +{checkins_added} check-in days"
    )


def _seed_feedback(seed: int) -> int:
    demo_sites = ServiceSite.objects.filter(
        site_code__startswith=f"{COUNTY_CODE}-", status=SiteStatus.OPEN
    ).order_by("site_code")
    if SiteFeedback.objects.filter(site__in=demo_sites).exists():
        return 0
    rng = random.Random(f"sites-feedback-{seed}")
    sites = list(demo_sites[:40])
    added = 0
    for i, (kind, text) in enumerate(FEEDBACK_TEXTS):
        phone = f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}" if i % 2 else ""
        item = feedback_submit(site=rng.choice(sites), kind=kind, text=text, phone=phone)
        if i % 3 == 1:
            feedback_answer(actor=None, feedback=item, answer="您好，已安排人员处理，感谢反馈。")
        elif i % 3 == 2:
            feedback_answer(actor=None, feedback=item, answer="已处理完毕，欢迎继续监督。")
            feedback_close(actor=None, feedback=item, note="已处理")
        added += 1
    return added


def _seed_checkins(seed: int, today: datetime.date) -> int:
    rng = random.Random(f"sites-checkins-{seed}")
    sites = ServiceSite.objects.filter(site_code__startswith=f"{COUNTY_CODE}-").exclude(
        checkins__isnull=False
    )
    rows = []
    for site in sites.only("id", "kind", "status", "status_changed_on").order_by("id"):
        base = {SiteKind.CANTEEN: 60, SiteKind.SERVICE_CENTER: 25}.get(site.kind, 12)
        last = today
        if site.status != SiteStatus.OPEN and site.status_changed_on:
            last = site.status_changed_on
        for days_ago in range(180):
            day = today - datetime.timedelta(days=days_ago)
            if day > last:
                continue
            count = max(0, int(rng.gauss(base, base / 3)))
            if count:
                rows.append(CheckIn(site=site, day=day, count=count))
    CheckIn.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
