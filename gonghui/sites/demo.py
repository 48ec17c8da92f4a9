"""Demo service sites for the fictional 青禾县: a synthetic county outline, roads and built-up
areas (GCJ-02) around made-up township centres, ≥ 60 sites of every kind and status, opening
hours, facilities, a few feedback reports and months of check-ins.

Idempotent: layers are imported once; sites carry fixed codes (339901-<kind>-NNNN) and are
skipped when the code exists; feedback and check-ins are only added to sites that have none.
"""

import datetime
import json
import math
import random

from django.db import transaction
from django.utils import timezone

from gonghui.core import geo
from gonghui.orgs.models import Org, OrgType
from gonghui.sites.map.coverage import coverage_refresh_run
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


def township_centres() -> list[tuple[float, float]]:
    return [_offset(CENTRE, bearing, dist) for bearing, dist in TOWNSHIP_PLACES]


# --- the synthetic map ------------------------------------------------------------------------
# Geometry is drawn on a local plane around the county seat: x east, y north, both in degrees
# of latitude (x = Δlng · cos(lat)), so circles are round and distances compare directly.

COS_LAT = math.cos(math.radians(CENTRE[1]))
EDGE_STEP = 0.004  # boundaries are split into pieces of at most ~450 m before the warp
SHORT = {
    "青禾街道": "青",
    "东湖街道": "东",
    "西岭镇": "西",
    "南塘镇": "南",
    "北山镇": "北",
    "石桥镇": "石",
    "柳溪镇": "柳",
    "梅林镇": "梅",
    "白沙乡": "白",
    "云台乡": "云",
}
BUILT_UP_NAMES = {
    "青禾街道": "青禾城区",
    "东湖街道": "东湖新城",
    "青禾经济开发区": "经开区工业园",
    "青禾高新技术产业园": "高新园区",
}
# County roads between township centres (indexes into TOWNSHIP_NAMES, 0-based).
COUNTY_ROADS = [(0, 5), (0, 10, 7), (3, 8), (4, 9), (2, 6), (5, 4), (7, 8), (1, 9), (6, 3), (2, 5)]
SEAT_STREETS_EW = [("人民路", 0.0), ("解放路", 0.007), ("文化路", -0.007), ("学府路", 0.014),
                   ("滨江路", -0.015)]  # fmt: skip
SEAT_STREETS_NS = [("新华路", 0.0), ("建设路", -0.008), ("和平路", 0.008), ("长安路", -0.016),
                   ("东湖路", 0.017)]  # fmt: skip


def _xy(point) -> tuple[float, float]:
    return (point[0] - CENTRE[0]) * COS_LAT, point[1] - CENTRE[1]


def _lnglat(xy) -> list[float]:
    return [round(CENTRE[0] + xy[0] / COS_LAT, 6), round(CENTRE[1] + xy[1], 6)]


def _polar(centre, bearing_deg: float, distance: float) -> tuple[float, float]:
    b = math.radians(bearing_deg)
    return centre[0] + distance * math.sin(b), centre[1] + distance * math.cos(b)


def _outline(centre, radius: float, rng: random.Random, n: int, waves) -> list[tuple]:
    """A smooth irregular closed outline (open ring): the radius wobbles with a few waves."""
    phases = [rng.uniform(0, 2 * math.pi) for _ in waves]
    points = []
    for i in range(n):
        t = 2 * math.pi * i / n
        r = radius * (
            1 + sum(a * math.sin(k * t + p) for (k, a), p in zip(waves, phases, strict=True))
        )
        points.append(_polar(centre, math.degrees(t), r))
    return points


def _clip(polygon: list[tuple], a: float, b: float, c: float) -> list[tuple]:
    """The part of the polygon where a·x + b·y ≤ c (Sutherland–Hodgman, one half-plane)."""
    out = []
    for i, p in enumerate(polygon):
        q = polygon[(i + 1) % len(polygon)]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if (fp < 0 < fq) or (fq < 0 < fp):
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _densify(ring: list[tuple], step: float = EDGE_STEP) -> list[tuple]:
    """Split every edge into pieces of at most `step`. An edge is split the same way from
    either end, so the edge two townships share gets the same points in both."""
    out = []
    for i, p in enumerate(ring):
        q = ring[(i + 1) % len(ring)]
        out.append(p)
        n = int(math.hypot(q[0] - p[0], q[1] - p[1]) / step)
        if not n:
            continue
        a, b = sorted((p, q), key=lambda v: (round(v[0], 7), round(v[1], 7)))
        middle = [
            (a[0] + (b[0] - a[0]) * k / (n + 1), a[1] + (b[1] - a[1]) * k / (n + 1))
            for k in range(1, n + 1)
        ]
        out.extend(middle if a is p else middle[::-1])
    return out


def _warp_field(rng: random.Random):
    """A smooth displacement of the plane (≤ ~600 m): plane waves of several lengths running
    in random directions, so that boundaries meander like real ones without repeating;
    gentle enough (slope < 1) that nothing folds over."""
    waves = []
    for wavelength, amplitude in ((0.16, 0.0035), (0.09, 0.0018), (0.05, 0.0009), (0.03, 0.0004)):
        for _ in range(2):
            heading = rng.uniform(0, math.pi)
            push = rng.uniform(0, math.pi)
            waves.append(
                (
                    2 * math.pi / wavelength * math.cos(heading),
                    2 * math.pi / wavelength * math.sin(heading),
                    rng.uniform(0, 2 * math.pi),
                    amplitude * math.cos(push),
                    amplitude * math.sin(push),
                )
            )

    def warp(p):
        x, y = p
        dx = dy = 0.0
        for kx, ky, phase, ax, ay in waves:
            wave = math.sin(kx * x + ky * y + phase)
            dx += ax * wave
            dy += ay * wave
        return x + dx, y + dy

    return warp


def _closed(ring_xy) -> list[list[float]]:
    ring = [_lnglat(p) for p in ring_xy]
    return [*ring, ring[0]]


def _spline(points: list[tuple], per: int = 8) -> list[tuple]:
    """A Catmull–Rom curve through the points (passes through each of them)."""
    padded = [points[0], *points, points[-1]]
    out = []
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1], padded[i], padded[i + 1], padded[i + 2]
        for k in range(per):
            t = k / per
            t2, t3 = t * t, t * t * t
            out.append(
                tuple(
                    0.5
                    * (
                        2 * p1[d]
                        + (p2[d] - p0[d]) * t
                        + (2 * p0[d] - 5 * p1[d] + 4 * p2[d] - p3[d]) * t2
                        + (3 * p1[d] - p0[d] - 3 * p2[d] + p3[d]) * t3
                    )
                    for d in (0, 1)
                )
            )
    out.append(points[-1])
    return out


def _route(stops: list[tuple], rng: random.Random, bend: float = 0.12) -> list[list[float]]:
    """A road through the stops, bending between them."""
    controls = [stops[0]]
    for a, b in zip(stops, stops[1:], strict=False):
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = math.hypot(dx, dy)
        nx, ny = -dy / length, dx / length
        for t in (1 / 3, 2 / 3) if length > 0.04 else (0.5,):
            off = rng.uniform(-bend, bend) * length
            controls.append((a[0] + dx * t + nx * off, a[1] + dy * t + ny * off))
        controls.append(b)
    return [_lnglat(p) for p in _spline(controls)]


def _road(name: str, coordinates, road_class: str, ref: str = "") -> dict:
    properties = {"name": name, "class": road_class}
    if ref:
        properties["ref"] = ref
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "LineString", "coordinates": coordinates},
    }


def _polygon(properties: dict, ring) -> dict:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def _inside(point, ring) -> bool:
    return geo.point_in_polygon(point[0], point[1], [ring])


def _pull_inside(point, centre, ring):
    """The point, or — when it lies outside the ring — the point moved towards the centre
    until it is well inside."""
    if _inside(point, ring):
        return point
    low, high = 0.0, 1.0
    for _ in range(30):
        mid = (low + high) / 2
        candidate = (
            centre[0] + (point[0] - centre[0]) * mid,
            centre[1] + (point[1] - centre[1]) * mid,
        )
        low, high = (mid, high) if _inside(candidate, ring) else (low, mid)
    t = low * 0.85
    return round(centre[0] + (point[0] - centre[0]) * t, 6), round(
        centre[1] + (point[1] - centre[1]) * t, 6
    )


def demo_layers(seed: int, villages: dict[int, list[str]] | None = None) -> dict[str, dict]:
    """The synthetic county (GeoJSON, GCJ-02): a meandering boundary, township boundaries
    (the county split among the township centres, Voronoi-style, then warped), named
    national, provincial, county and town roads, and named built-up areas — towns, the
    county seat, and the villages given per township index (0-based) in `villages`."""
    rng = random.Random(f"sites-layers-{seed}")
    warp = _warp_field(rng)
    centres = [_xy(c) for c in township_centres()]
    county = _densify(
        _outline((0.0, 0.0), 0.245, rng, 120, ((2, 0.05), (3, 0.045), (4, 0.025), (6, 0.012)))
    )
    boundary = _polygon({"name": "青禾县"}, _closed([warp(p) for p in county]))

    townships, rings = [], []
    for i, (name, centre) in enumerate(zip(TOWNSHIP_NAMES, centres, strict=True)):
        cell = county
        for j, other in enumerate(centres):
            if j == i:
                continue
            a, b = 2 * (other[0] - centre[0]), 2 * (other[1] - centre[1])
            c = other[0] ** 2 + other[1] ** 2 - centre[0] ** 2 - centre[1] ** 2
            cell = _clip(cell, a, b, c)
        ring = _closed([warp(p) for p in _densify(cell)])
        rings.append(ring)
        townships.append(_polygon({"name": name, "code": f"{COUNTY_CODE}{i + 1:03d}"}, ring))

    built_up = []
    for name, centre in zip(TOWNSHIP_NAMES, centres, strict=True):
        radius = {"青禾街道": 0.028, "东湖街道": 0.014, "青禾经济开发区": 0.016}.get(
            name, 0.013 if name == "青禾高新技术产业园" else rng.uniform(0.009, 0.014)
        )
        outline = _outline(centre, radius, rng, 28, ((2, 0.22), (3, 0.12), (5, 0.05)))
        label = BUILT_UP_NAMES.get(name) or (
            f"{name.removesuffix('乡')}集镇" if name.endswith("乡") else f"{name}区"
        )
        built_up.append(_polygon({"name": label, "class": "town"}, _closed(outline)))
    for i, names in sorted((villages or {}).items()):
        centre = centres[i]
        for name in names:
            for _attempt in range(20):
                spot = _polar(centre, rng.uniform(0, 360), rng.uniform(0.03, 0.07))
                if _inside(_lnglat(spot), rings[i]) and all(
                    math.hypot(spot[0] - c[0], spot[1] - c[1]) > 0.025 for c in centres
                ):
                    break
            else:
                continue
            outline = _outline(spot, rng.uniform(0.0025, 0.004), rng, 14, ((2, 0.2), (3, 0.1)))
            built_up.append(_polygon({"name": name, "class": "village"}, _closed(outline)))

    roads = _demo_roads(rng, centres)
    return {
        MapLayerKind.BOUNDARY: {"type": "FeatureCollection", "features": [boundary]},
        MapLayerKind.TOWNSHIP: {"type": "FeatureCollection", "features": townships},
        MapLayerKind.BUILT_UP_AREA: {"type": "FeatureCollection", "features": built_up},
        MapLayerKind.ROAD: {"type": "FeatureCollection", "features": roads},
    }


def _demo_roads(rng: random.Random, centres: list[tuple]) -> list[dict]:
    seat = centres[0]

    def edge(bearing):  # just outside the county: the road leaves it
        return _polar((0.0, 0.0), bearing, 0.27)

    roads = [
        _road("国道G235", _route([edge(3), centres[4], (-0.02, 0.006), centres[3], edge(183)], rng),
              "national", "G235"),
        _road("省道S212", _route([edge(263), centres[2], (-0.004, -0.022), centres[1], edge(86)], rng),
              "provincial", "S212"),
        _road("省道S318", _route([edge(37), centres[9], (0.02, 0.018), (0.0, -0.03), centres[6],
                                   edge(222)], rng), "provincial", "S318"),
    ]  # fmt: skip
    for number, stops in enumerate(COUNTY_ROADS, start=1):
        first, last = TOWNSHIP_NAMES[stops[0]], TOWNSHIP_NAMES[stops[-1]]
        name = f"{SHORT.get(first, first[0])}{SHORT.get(last, last[0])}线"
        roads.append(
            _road(name, _route([centres[s] for s in stops], rng, 0.1), "county", f"X3{number:02d}")
        )
    roads.append(_road("青禾大道", _route([seat, centres[11]], rng, 0.05), "urban"))
    roads.append(_road("工业大道", _route([centres[1], centres[10]], rng, 0.05), "urban"))
    ring = _outline(seat, 0.03, rng, 16, ((2, 0.12), (3, 0.05)))
    roads.append(_road("环城路", [_lnglat(p) for p in _spline([*ring, ring[0]], 6)], "urban"))
    angle = math.radians(10)
    along_ew, along_ns = (math.cos(angle), math.sin(angle)), (-math.sin(angle), math.cos(angle))
    for streets, along, across in (
        (SEAT_STREETS_EW, along_ew, along_ns),
        (SEAT_STREETS_NS, along_ns, along_ew),
    ):
        for name, offset in streets:
            base = (seat[0] + across[0] * offset, seat[1] + across[1] * offset)
            ends = [(base[0] + along[0] * t, base[1] + along[1] * t) for t in (-0.022, 0.0, 0.022)]
            roads.append(_road(name, _route(ends, rng, 0.03), "street"))
    for centre in centres[2:10]:  # the towns and townships (镇, 乡)
        bearing = rng.uniform(0, 180)
        for street, turn in zip(rng.sample(PLACE_WORDS, 2), (0, 90), strict=True):
            ends = [_polar(centre, bearing + turn, d) for d in (-0.008, 0.0, 0.008)]
            roads.append(_road(street, _route(ends, rng, 0.05), "street"))
    return roads


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


def _plan(seed: int, rings: list | None = None) -> list[dict]:
    """The demo sites: per township 5–6 of mixed kinds; a few suspended and closed. With the
    township boundary rings, a site that would fall outside its township is moved inside."""
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
            if rings is not None:
                lng, lat = _pull_inside((lng, lat), centre, rings[index - 1])
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
    townships = {
        i: Org.objects.filter(code=f"{COUNTY_CODE}{i:03d}").first()
        for i in range(1, len(TOWNSHIP_NAMES) + 1)
    }
    layers = demo_layers(seed, _villages(townships))
    layers_added = _layers_import(county, layers)
    rings = [f["geometry"]["coordinates"][0] for f in layers[MapLayerKind.TOWNSHIP]["features"]]
    today = timezone.localdate()
    existing = set(ServiceSite.objects.values_list("site_code", flat=True))
    created = 0
    for item in _plan(seed, rings):
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
    # The coverage analysis is ready when the demo opens, worker or not.
    coverage_refresh_run(county)
    return (
        f"{ServiceSite.objects.count()} sites (+{created}), {layers_added} map layers "
        f"added or updated, +{feedback_added} feedback, +{checkins_added} check-in days"
    )


def _villages(townships: dict[int, Org | None]) -> dict[int, list[str]]:
    """Village names per township index (0-based) from the demo's village union orgs
    ("西岭镇桃源村工会" → "桃源村"); the map draws them as small built-up areas."""
    found: dict[int, list[str]] = {}
    for index, township in townships.items():
        if township is None:
            continue
        prefix = TOWNSHIP_NAMES[index - 1]
        names = Org.objects.filter(parent=township, type=OrgType.COMMUNITY).order_by("code")
        found[index - 1] = [
            n.removeprefix(prefix).removesuffix("工会")
            for n in names.values_list("name", flat=True)
            if n.endswith("村工会")
        ]
    return found


def _layers_import(county: Org, layers: dict[str, dict]) -> int:
    """Import the demo layers the county lacks, and replace the ones an earlier demo seeder
    imported (no uploader) when the generated map changed; an uploaded layer stays."""
    changed = 0
    stored = {layer.kind: layer for layer in MapLayer.objects.filter(org=county)}
    for kind, collection in layers.items():
        layer = stored.get(kind)
        if layer is not None and (
            layer.uploaded_by_id is not None or json.loads(layer.geojson) == collection
        ):
            continue
        name = f"青禾县{MapLayerKind(kind).label}(演示数据)"
        map_layer_import(actor=None, county=county, kind=kind, geojson=collection, name=name)
        changed += 1
    return changed


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
