"""Coordinates: WGS-84 ↔ GCJ-02 ↔ BD-09, distances, point-in-polygon, input parsing.

Pure functions, no Django. Every (lng, lat) pair is in degrees, longitude first (GeoJSON order).

GCJ-02 is the published obfuscation (Krasovsky 1940 ellipsoid constants, as in the widely
used coordtransform/eviltransform code); it has no closed-form inverse, so GCJ → WGS iterates
until the forward transform reproduces the input to < 1e-7°. BD-09 is Baidu's offset on top
of GCJ-02. Outside mainland China GCJ-02 equals WGS-84.
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

EARTH_RADIUS_M = 6371008.8  # mean radius (IUGG); used by every distance in the app
_KRASOVSKY_A = 6378245.0
_KRASOVSKY_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0
INVERSE_TOLERANCE_DEG = 1e-7  # the inverse stops when the forward transform is this close
_INVERSE_MAX_STEPS = 30


class Crs:
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


CRS_CHOICES: tuple[str, ...] = (Crs.WGS84, Crs.GCJ02, Crs.BD09)
CRS_LABELS = {
    Crs.WGS84: "WGS-84(手机定位/GPS)",
    Crs.GCJ02: "GCJ-02(高德/腾讯)",
    Crs.BD09: "BD-09(百度)",
}

# Messages (the public API and the staff forms show these as they are).
OUT_OF_RANGE = "坐标超出范围：经度应在 -180 到 180 之间，纬度应在 -90 到 90 之间。"
OUT_OF_CHINA = "坐标不在中国境内，请检查经纬度是否填反或坐标系是否正确。"
OUT_OF_COUNTY = "坐标不在本县范围内，请在地图上重新选点。"
UNKNOWN_CRS = "不支持的坐标系，请使用 wgs84、gcj02 或 bd09。"
NOT_A_NUMBER = "坐标应为数字，如经度 120.123456、纬度 30.123456。"


class CoordinateError(ValueError):
    """A coordinate input that cannot be accepted; `str(exc)` is the Chinese message."""

    def __init__(self, message: str, *, code: str):
        super().__init__(message)
        self.message = message
        self.code = code


# --- the China test -----------------------------------------------------------------------

# The mainland area GCJ-02 applies to, as a coarse rectangle list (lng_min, lat_min, lng_max,
# lat_max): the usual single box (72.004–137.8347, 0.8293–55.8271) also takes in the sea east
# of Shanghai, Korea and Japan; the points "in the sea" a user may type are refused by the
# county boundary check, this only decides whether the offset applies.
CHINA_BOX = (72.004, 0.8293, 137.8347, 55.8271)


def out_of_china(lng: float, lat: float) -> bool:
    """True outside the area GCJ-02 offsets (the standard coarse box)."""
    lng_min, lat_min, lng_max, lat_max = CHINA_BOX
    return not (lng_min <= lng <= lng_max and lat_min <= lat <= lat_max)


# --- transforms ------------------------------------------------------------------------------


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj_offset(lng: float, lat: float) -> tuple[float, float]:
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - _KRASOVSKY_EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_KRASOVSKY_A * (1 - _KRASOVSKY_EE)) / (magic * sqrtmagic) * math.pi)
    dlng = (dlng * 180.0) / (_KRASOVSKY_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlng, dlat


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    if out_of_china(lng, lat):
        return lng, lat
    dlng, dlat = _gcj_offset(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """Exact inverse by fixed-point iteration: wgs84_to_gcj02(result) is within 1e-7° of input."""
    if out_of_china(lng, lat):
        return lng, lat
    w_lng, w_lat = lng, lat
    for _ in range(_INVERSE_MAX_STEPS):
        g_lng, g_lat = wgs84_to_gcj02(w_lng, w_lat)
        d_lng, d_lat = g_lng - lng, g_lat - lat
        if abs(d_lng) < INVERSE_TOLERANCE_DEG / 10 and abs(d_lat) < INVERSE_TOLERANCE_DEG / 10:
            break
        w_lng, w_lat = w_lng - d_lng, w_lat - d_lat
    return w_lng, w_lat


def gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    z = math.sqrt(lng * lng + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    x, y = lng - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def wgs84_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    return gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))


def bd09_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))


def to_gcj02(lng: float, lat: float, crs: str) -> tuple[float, float]:
    """Convert from crs to GCJ-02. Raises CoordinateError for an unknown crs."""
    if crs == Crs.GCJ02:
        return lng, lat
    if crs == Crs.WGS84:
        return wgs84_to_gcj02(lng, lat)
    if crs == Crs.BD09:
        return bd09_to_gcj02(lng, lat)
    raise CoordinateError(UNKNOWN_CRS, code="unknown_crs")


def from_gcj02(lng: float, lat: float, crs: str) -> tuple[float, float]:
    if crs == Crs.GCJ02:
        return lng, lat
    if crs == Crs.WGS84:
        return gcj02_to_wgs84(lng, lat)
    if crs == Crs.BD09:
        return gcj02_to_bd09(lng, lat)
    raise CoordinateError(UNKNOWN_CRS, code="unknown_crs")


# --- distance --------------------------------------------------------------------------------


def haversine_m(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    """Great-circle distance in metres on the mean-radius sphere."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Box:
    min_lng: float
    min_lat: float
    max_lng: float
    max_lat: float


def bounding_box(lng: float, lat: float, radius_m: float) -> Box | None:
    """A lat/lng box holding every point within radius_m of (lng, lat) (haversine_m), or None
    when no such box exists without wrapping (it reaches a pole or crosses ±180°).

    The longitude half-width is the meridian tangent to the circle, asin(sin δ / cos φ), which
    is the widest the circle gets; a tiny margin absorbs floating-point rounding.
    """
    delta = radius_m / EARTH_RADIUS_M  # angular radius, radians
    phi = math.radians(lat)
    lat_min, lat_max = phi - delta, phi + delta
    if lat_min <= -math.pi / 2 or lat_max >= math.pi / 2:
        return None
    ratio = math.sin(delta) / math.cos(phi)
    if ratio >= 1:
        return None
    dlng = math.degrees(math.asin(ratio))
    margin = 1e-9 + 1e-9 * math.degrees(delta)
    box = Box(
        min_lng=lng - dlng - margin,
        min_lat=math.degrees(lat_min) - margin,
        max_lng=lng + dlng + margin,
        max_lat=math.degrees(lat_max) + margin,
    )
    if box.min_lng < -180 or box.max_lng > 180:
        return None
    return box


# --- polygons ---------------------------------------------------------------------------------


def _in_ring(lng: float, lat: float, ring: Sequence[Sequence[float]]) -> bool:
    """Even-odd ray casting; a ring is a closed or open list of [lng, lat]."""
    inside = False
    n = len(ring)
    j = n - 1
    for i in range(n):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat):
            x_cross = (xj - xi) * (lat - yi) / (yj - yi) + xi
            if lng < x_cross:
                inside = not inside
        j = i
    return inside


def point_in_polygon(lng: float, lat: float, rings: Sequence) -> bool:
    """GeoJSON Polygon coordinates: the outer ring, then holes."""
    if not rings or not _in_ring(lng, lat, rings[0]):
        return False
    return not any(_in_ring(lng, lat, hole) for hole in rings[1:])


def polygons_of(geometry: dict) -> Iterable[Sequence]:
    """The polygons (each a list of rings) of a GeoJSON Polygon/MultiPolygon/collection."""
    kind = geometry.get("type")
    if kind == "Polygon":
        yield geometry["coordinates"]
    elif kind == "MultiPolygon":
        yield from geometry["coordinates"]
    elif kind == "GeometryCollection":
        for part in geometry.get("geometries", []):
            yield from polygons_of(part)
    elif kind == "Feature":
        if geometry.get("geometry"):
            yield from polygons_of(geometry["geometry"])
    elif kind == "FeatureCollection":
        for feature in geometry.get("features", []):
            yield from polygons_of(feature)


def point_in_geojson(lng: float, lat: float, geojson: dict) -> bool:
    """True when the point lies in any polygon of a GeoJSON object (holes excluded)."""
    return any(point_in_polygon(lng, lat, rings) for rings in polygons_of(geojson))


# --- input -------------------------------------------------------------------------------------


def _number(value) -> float:
    if isinstance(value, bool):
        raise CoordinateError(NOT_A_NUMBER, code="invalid_coordinate")
    if isinstance(value, str):
        value = value.strip().replace("，", ",").replace("．", ".")
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise CoordinateError(NOT_A_NUMBER, code="invalid_coordinate") from exc
    if not math.isfinite(number):
        raise CoordinateError(NOT_A_NUMBER, code="invalid_coordinate")
    return number


def coordinate_parse(lng, lat, crs: str = Crs.GCJ02, *, within=None) -> tuple[float, float]:
    """Validate a typed or posted point and return it in GCJ-02, rounded to 6 decimals.

    Checks in order: numbers, known crs, range, inside China, then — when `within` is a
    GeoJSON object (the county boundary) — inside it. Raises CoordinateError with `code`
    invalid_coordinate / unknown_crs / out_of_range / out_of_china / out_of_county.
    """
    lng, lat = _number(lng), _number(lat)
    crs = (crs or "").strip().lower().replace("-", "").replace("_", "")
    if crs not in CRS_CHOICES:
        raise CoordinateError(UNKNOWN_CRS, code="unknown_crs")
    if not (-180 <= lng <= 180 and -90 <= lat <= 90):
        raise CoordinateError(OUT_OF_RANGE, code="out_of_range")
    if out_of_china(lng, lat):
        raise CoordinateError(OUT_OF_CHINA, code="out_of_china")
    g_lng, g_lat = to_gcj02(lng, lat, crs)
    g_lng, g_lat = round(g_lng, 6), round(g_lat, 6)
    if within is not None and not point_in_geojson(g_lng, g_lat, within):
        raise CoordinateError(OUT_OF_COUNTY, code="out_of_county")
    return g_lng, g_lat
