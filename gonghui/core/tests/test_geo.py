"""Coordinate conversions against published test points, round trips, and input checks."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gonghui.core import geo

# wandergis/coordtransform (test/app.js) for the point (116.404, 39.915).
COORDTRANSFORM = [
    (geo.bd09_to_gcj02, (116.39762729119315, 39.90865673957631)),
    (geo.gcj02_to_bd09, (116.41036949371029, 39.92133699351021)),
    (geo.wgs84_to_gcj02, (116.41024449916938, 39.91640428150164)),
]
# googollee/eviltransform tests: (wgs lat, wgs lng, gcj lat, gcj lng).
EVILTRANSFORM = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]

china_lng = st.floats(min_value=73.5, max_value=134.7, allow_nan=False)
china_lat = st.floats(min_value=18.2, max_value=53.5, allow_nan=False)


@pytest.mark.parametrize(("convert", "expected"), COORDTRANSFORM)
def test_conversions_match_the_published_coordtransform_points(convert, expected):
    lng, lat = convert(116.404, 39.915)
    assert lng == pytest.approx(expected[0], abs=1e-12)
    assert lat == pytest.approx(expected[1], abs=1e-12)


@pytest.mark.parametrize(("wgs_lat", "wgs_lng", "gcj_lat", "gcj_lng"), EVILTRANSFORM)
def test_wgs_to_gcj_matches_the_published_eviltransform_points(wgs_lat, wgs_lng, gcj_lat, gcj_lng):
    lng, lat = geo.wgs84_to_gcj02(wgs_lng, wgs_lat)
    assert (lng, lat) == (pytest.approx(gcj_lng, abs=1e-12), pytest.approx(gcj_lat, abs=1e-12))


@pytest.mark.parametrize(("wgs_lat", "wgs_lng", "gcj_lat", "gcj_lng"), EVILTRANSFORM)
def test_gcj_to_wgs_inverts_the_published_points_to_a_centimetre(
    wgs_lat, wgs_lng, gcj_lat, gcj_lng
):
    lng, lat = geo.gcj02_to_wgs84(gcj_lng, gcj_lat)
    assert abs(lng - wgs_lng) < 1e-7 and abs(lat - wgs_lat) < 1e-7


def test_gcj_to_wgs_is_closer_than_the_one_step_approximation():
    # coordtransform's one-step inverse of (116.404, 39.915) is off by ~0.03 m; ours is exact.
    lng, lat = geo.gcj02_to_wgs84(116.404, 39.915)
    assert lng == pytest.approx(116.39775550083061, abs=1e-6)
    forward = geo.wgs84_to_gcj02(lng, lat)
    assert abs(forward[0] - 116.404) < geo.INVERSE_TOLERANCE_DEG
    assert abs(forward[1] - 39.915) < geo.INVERSE_TOLERANCE_DEG


@settings(max_examples=300, deadline=None)
@given(china_lng, china_lat)
def test_wgs_gcj_round_trip_is_within_1e_7_degrees(lng, lat):
    back = geo.gcj02_to_wgs84(*geo.wgs84_to_gcj02(lng, lat))
    assert abs(back[0] - lng) < 1e-7 and abs(back[1] - lat) < 1e-7


@settings(max_examples=300, deadline=None)
@given(china_lng, china_lat)
def test_gcj_bd_round_trip_is_within_2e_6_degrees(lng, lat):
    # The published BD-09 inverse is closed-form and approximate (≤ ~0.2 m), as Baidu's own.
    back = geo.bd09_to_gcj02(*geo.gcj02_to_bd09(lng, lat))
    assert abs(back[0] - lng) < 2e-6 and abs(back[1] - lat) < 2e-6


@settings(max_examples=200, deadline=None)
@given(china_lng, china_lat)
def test_the_gcj_offset_is_a_few_hundred_metres_inside_china(lng, lat):
    g = geo.wgs84_to_gcj02(lng, lat)
    assert 1 < geo.haversine_m(lng, lat, *g) < 1000


def test_outside_china_gcj_equals_wgs():
    assert geo.out_of_china(2.35, 48.85)  # Paris
    assert geo.wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)
    assert geo.gcj02_to_wgs84(2.35, 48.85) == (2.35, 48.85)
    assert not geo.out_of_china(116.404, 39.915)


def test_haversine_known_distance():
    # One degree of latitude on the mean sphere.
    assert geo.haversine_m(120, 30, 120, 31) == pytest.approx(
        math.pi * geo.EARTH_RADIUS_M / 180, rel=1e-12
    )
    assert geo.haversine_m(120, 30, 120, 30) == 0


@settings(max_examples=400, deadline=None)
@given(
    china_lng,
    china_lat,
    st.floats(min_value=1, max_value=300_000),
    st.floats(min_value=0, max_value=360),
    st.floats(min_value=0, max_value=1),
)
def test_bounding_box_holds_every_point_within_the_radius(lng, lat, radius, bearing, fraction):
    # given a point at most `radius` away (on the sphere, in any direction)
    box = geo.bounding_box(lng, lat, radius)
    delta = radius * fraction / geo.EARTH_RADIUS_M
    phi, lam, theta = math.radians(lat), math.radians(lng), math.radians(bearing)
    phi2 = math.asin(
        math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi),
        math.cos(delta) - math.sin(phi) * math.sin(phi2),
    )
    p_lng, p_lat = math.degrees(lam2), math.degrees(phi2)
    # then if its computed distance is within the radius it lies inside the box
    if geo.haversine_m(lng, lat, p_lng, p_lat) <= radius:
        assert box.min_lng <= p_lng <= box.max_lng
        assert box.min_lat <= p_lat <= box.max_lat


def test_bounding_box_refuses_to_wrap_around_a_pole_or_the_antimeridian():
    assert geo.bounding_box(120, 89.99, 5_000) is None
    assert geo.bounding_box(179.999, 10, 5_000) is None


SQUARE_WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]],
        [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]],
    ],
}


def test_point_in_polygon_honours_holes_and_multipolygons():
    assert geo.point_in_geojson(1, 1, SQUARE_WITH_HOLE)
    assert not geo.point_in_geojson(5, 5, SQUARE_WITH_HOLE)  # in the hole
    assert not geo.point_in_geojson(11, 5, SQUARE_WITH_HOLE)
    multi = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {},
                "geometry": {
                    "type": "MultiPolygon",
                    "coordinates": [
                        SQUARE_WITH_HOLE["coordinates"],
                        [[[20, 20], [30, 20], [25, 30], [20, 20]]],
                    ],
                },
            }
        ],
    }
    assert geo.point_in_geojson(25, 22, multi)
    assert geo.point_in_geojson(1, 9, multi)
    assert not geo.point_in_geojson(5, 5, multi)
    assert not geo.point_in_geojson(21, 29, multi)


def test_coordinate_parse_converts_to_gcj02_and_rounds():
    assert geo.coordinate_parse("116.404", "39.915", "wgs84") == (116.410244, 39.916404)
    assert geo.coordinate_parse(116.404, 39.915, "BD-09") == (116.397627, 39.908657)
    assert geo.coordinate_parse("116.404", "39.915") == (116.404, 39.915)


@pytest.mark.parametrize(
    ("lng", "lat", "crs", "code", "message"),
    [
        ("abc", "30", "gcj02", "invalid_coordinate", geo.NOT_A_NUMBER),
        ("nan", "30", "gcj02", "invalid_coordinate", geo.NOT_A_NUMBER),
        ("120", "30", "utm", "unknown_crs", geo.UNKNOWN_CRS),
        ("190", "30", "gcj02", "out_of_range", geo.OUT_OF_RANGE),
        ("120", "-91", "wgs84", "out_of_range", geo.OUT_OF_RANGE),
        ("-0.12", "51.5", "wgs84", "out_of_china", geo.OUT_OF_CHINA),
        ("29.1", "89.5", "gcj02", "out_of_china", geo.OUT_OF_CHINA),  # lat and lng swapped
    ],
)
def test_coordinate_parse_refuses_bad_input_in_chinese(lng, lat, crs, code, message):
    with pytest.raises(geo.CoordinateError) as caught:
        geo.coordinate_parse(lng, lat, crs)
    assert caught.value.code == code
    assert str(caught.value) == message


def test_coordinate_parse_refuses_a_point_outside_the_county_boundary():
    county = {"type": "Polygon", "coordinates": [[[119, 29], [120, 29], [120, 30], [119, 29]]]}
    assert geo.coordinate_parse(119.9, 29.1, "gcj02", within=county) == (119.9, 29.1)
    with pytest.raises(geo.CoordinateError) as caught:
        geo.coordinate_parse(119.1, 29.9, "gcj02", within=county)
    assert caught.value.code == "out_of_county"
    assert "坐标不在本县范围内" in caught.value.message
