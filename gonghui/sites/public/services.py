"""Rules of the public (no-login) side of the sites: what a worker is shown of a site, the
walking-direction links, and the per-IP limits of the public reads and writes.

Used alike by the public API (gonghui.sites.public.api) and the workers' portal pages
(gonghui.portal), so the two always show the same thing.

Contact phone (DESIGN §3 masks phones on screen). A site's `contact_phone` is stored
encrypted because it is often the contact person's own mobile. The rule, everywhere public:

* a **landline or service number** (0xx area code, 400/800, 95xxx/96xxx hotlines, 7–8 digit
  local numbers) is the site's published service number, the one printed on its sign: it is
  shown in full with a ``tel:`` link;
* a **mobile number** (1[3-9]…, 11 digits) is a person's phone: it is shown masked
  (``139****1234``) and never linked; the worker reaches the site through the feedback form
  or the managing union's office phone (``Org.contact_phone``, a published number).
"""

import datetime
import re
from dataclasses import dataclass
from urllib.parse import quote

from django.utils import timezone

from gonghui.core import geo
from gonghui.core.crypto import keyed_hash
from gonghui.core.masking import mask_phone
from gonghui.core.ratelimit import hit_over_limit, ip_allowed
from gonghui.sites.hours import SHANGHAI
from gonghui.sites.models import WEEKDAY_LABELS, WEEKDAYS, Facility, ServiceSite, Standard
from gonghui.sites.services import RateLimited

# Per IP and minute (gonghui.core.ratelimit: counted in the database, exact across worker
# processes). Reads are the nearest/detail queries and portal pages; writes are feedback and
# check-in posts (the services add their own, stricter limits on top). Addresses in
# settings.RATELIMIT_ALLOW (GONGHUI_RATELIMIT_ALLOW) are exempt.
PUBLIC_READS_PER_MINUTE = 120
PUBLIC_WRITES_PER_MINUTE = 20
RATE_WINDOW_SECONDS = 60
TOO_MANY_READS = "查询过于频繁，请稍后再试。"
TOO_MANY_WRITES = "提交过于频繁，请稍后再试。"

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE_NUMBER = re.compile(r"^(0\d{9,11}|[48]00\d{7}|9[56]\d{3,6}|\d{7,8})$")


# --- rate limits ------------------------------------------------------------------------------


def public_rate_check(ip: str | None, *, write: bool = False) -> None:
    """Count one public request of this IP; RateLimited (HTTP 429) past the minute's limit."""
    if not ip or ip_allowed(ip):
        return
    bucket, limit = ("w", PUBLIC_WRITES_PER_MINUTE) if write else ("r", PUBLIC_READS_PER_MINUTE)
    key = f"sites-public-{bucket}:{keyed_hash(f'ip:{ip}')}"
    if hit_over_limit(key, limit, RATE_WINDOW_SECONDS):
        raise RateLimited(TOO_MANY_WRITES if write else TOO_MANY_READS)


# --- what a worker sees -----------------------------------------------------------------------


@dataclass(frozen=True)
class PublicPhone:
    display: str  # "" when the site has none
    tel: str  # "tel:…" for a published service number, "" for a masked mobile
    is_masked: bool


def public_phone(number: str | None) -> PublicPhone:
    """The contact number as shown publicly: see the module docstring for the rule."""
    digits = re.sub(r"\D", "", number or "")
    if not digits:
        return PublicPhone(display="", tel="", is_masked=False)
    if _MOBILE.match(digits) or not _SERVICE_NUMBER.match(digits):
        return PublicPhone(display=mask_phone(digits), tel="", is_masked=True)
    return PublicPhone(display=digits, tel=f"tel:{digits}", is_masked=False)


def site_phone(site: ServiceSite) -> PublicPhone:
    return public_phone(site.contact_phone)


def facility_items(site: ServiceSite) -> list[tuple[str, str]]:
    mask = site.facilities
    return [(code, label) for bit, code, label in _FACILITY_BITS if mask & bit]


# (bit, code, label) of each facility, in mask order (models.codes_to_mask).
_FACILITY_BITS = tuple((1 << i, code, label) for i, (code, label) in enumerate(Facility.choices))


def standard_items(site: ServiceSite) -> list[tuple[str, str, bool]]:
    """Every "六有" item with whether the site meets it (models: the one rule)."""
    met = site.standards_met
    return [(code, label, met[code]) for code, label in Standard.choices]


@dataclass(frozen=True)
class DayHours:
    day: str
    label: str
    text: str  # "08:00–12:00、14:00–18:00", "全天 24 小时" or "不开放"
    is_today: bool


def week_hours(site: ServiceSite, at: datetime.datetime | None = None) -> list[DayHours]:
    """The weekly hours for display, Monday first, today (Asia/Shanghai) marked."""
    today = WEEKDAYS[(at or timezone.now()).astimezone(SHANGHAI).weekday()]
    hours = site.opening_hours or {}
    rows = []
    for day in WEEKDAYS:
        if site.is_24h:
            text = "全天 24 小时"
        else:
            ranges = hours.get(day) or []
            text = "、".join(f"{start}–{end}" for start, end in ranges) or "不开放"
        rows.append(DayHours(day=day, label=WEEKDAY_LABELS[day], text=text, is_today=day == today))
    return rows


def coordinates_in(site: ServiceSite, crs: str) -> tuple[float, float]:
    """The site's (lng, lat) in crs (stored GCJ-02), rounded to 6 decimals."""
    lng, lat = geo.from_gcj02(site.lng, site.lat, crs)
    return round(lng, 6), round(lat, 6)


# --- walking directions -------------------------------------------------------------------------

APP_SOURCE = "gonghui.portal"  # the `src` Baidu asks callers to name
_MY_PLACE = quote("我的位置", safe="")


@dataclass(frozen=True)
class DirectionLinks:
    amap: str  # Gaode web link: opens the Gaode app when installed, the web page otherwise
    baidu_web: str  # Baidu's web directions (works in WeChat, which blocks app schemes)
    baidu_app: str  # baidumap:// for the Baidu app in a plain phone browser


def direction_links(site: ServiceSite, origin: tuple[float, float] | None = None) -> DirectionLinks:
    """Walking-direction links to a site; `origin` is the worker's GCJ-02 (lng, lat) when
    known. Plain links the worker taps: the page never requests them itself. (Built with
    f-strings: the nearest endpoint makes ten of these per answer.)"""
    name = quote(site.name.replace(",", " ").replace("|", " "), safe="")
    to = f"{site.lng:.6f},{site.lat:.6f}"
    amap = (
        f"https://uri.amap.com/navigation?to={to},{name}"
        f"&mode=walk&coordinate=gaode&callnative=1&src={APP_SOURCE}"
    )
    baidu = f"destination=latlng:{site.lat:.6f},{site.lng:.6f}|name:{name}"
    if origin is not None:
        baidu = f"origin=latlng:{origin[1]:.6f},{origin[0]:.6f}|name:{_MY_PLACE}&{baidu}"
    baidu += f"&coord_type=gcj02&mode=walking&src={APP_SOURCE}"
    return DirectionLinks(
        amap=amap,
        baidu_web=f"https://api.map.baidu.com/direction?{baidu}&output=html",
        baidu_app=f"baidumap://map/direction?{baidu}",
    )
