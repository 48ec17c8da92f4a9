"""Building sites in tests (outside fixtures, so matrix setups can use it too)."""

import itertools

from gonghui.sites.models import ServiceSite, SiteKind
from gonghui.sites.services import site_create

_counter = itertools.count(1)
# A point in China (GCJ-02) the test tree has no boundary for.
BASE_LNG, BASE_LAT = 119.72, 29.10


def build_site(*, org, **overrides) -> ServiceSite:
    n = next(_counter)
    data = dict(
        kind=SiteKind.OUTDOOR_STATION,
        name=f"测试站点{n}",
        lng=BASE_LNG + (n % 50) * 0.001,
        lat=BASE_LAT + (n // 50) * 0.001,
        address=f"测试路{n}号",
        contact_phone="13900001234",
        opening_hours={d: [["08:00", "18:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        facilities=["room", "water"],
    )
    data.update(overrides)
    return site_create(actor=None, org=org, **data)
