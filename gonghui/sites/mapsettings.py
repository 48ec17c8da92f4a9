"""The installation's map and sign settings: the tile source of the staff maps (an XYZ
template in GCJ-02, e.g. Gaode, or none: the offline map of the county's own layers) and
the public base URL that the QR codes of site signs point at.

A county admin sets them on the 地图与标牌设置 page (one MapSettings row); a field left
unset there (None) falls back to its environment variable: GONGHUI_MAP_TILE_URL,
GONGHUI_MAP_TILE_ATTRIBUTION, GONGHUI_PUBLIC_URL. The checks below are shared by the page's
form, the service that stores the row and the sign page (which refuses to print a QR code
that a worker's phone could not open)."""

import functools
import ipaddress
import re
from contextvars import ContextVar
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from gonghui.sites.models import MapSettings

SOURCE_DB = "db"
SOURCE_ENV = "env"
SOURCE_LABELS = {SOURCE_DB: "本页设置", SOURCE_ENV: "服务器部署配置"}

# Gaode's road map (GCJ-02, Chinese labels); {s} takes 1–4 (webrd01 … webrd04).
GAODE_TILE_URL = (
    "https://webrd0{s}.is.autonavi.com/appmaptile"
    "?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"
)
GAODE_ATTRIBUTION = "© 高德地图"
TILE_SUBDOMAINS = "1234"
TILE_URL_MAX = 500
# Leaflet's placeholders: {s} subdomain, {z}/{x}/{y} tile, {-y} TMS row, {r} retina suffix.
TILE_PLACEHOLDERS = {"s", "z", "x", "y", "-y", "r"}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

# Host names that only resolve inside a private network (RFC 6761/6762/8375 and common
# intranet suffixes): a phone on the mobile network cannot open them.
_PRIVATE_SUFFIXES = (
    "localhost",
    "local",
    "localdomain",
    "lan",
    "home",
    "home.arpa",
    "internal",
    "intranet",
    "corp",
    "private",
    "test",
    "example",
    "invalid",
)
PUBLIC_URL_EXAMPLE = "https://gonghui.qinghe.gov.cn"


def tile_url_problem(value: str) -> str:
    """Why the tile template cannot be used ("" when it can, or when it is empty: no tiles)."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) > TILE_URL_MAX:
        return f"瓦片地址不能超过 {TILE_URL_MAX} 个字符。"
    if any(ch.isspace() for ch in value):
        return "瓦片地址中不能有空格或换行。"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return "瓦片地址应以 https:// 或 http:// 开头，并包含服务器地址。"
    names = _PLACEHOLDER.findall(value)
    unknown = sorted({n for n in names if n not in TILE_PLACEHOLDERS})
    if unknown:
        shown = "、".join("{" + n + "}" for n in unknown)
        return f"瓦片地址中有不支持的占位符 {shown}；只能使用 {{z}}、{{x}}、{{y}}、{{s}}。"
    missing = [n for n in ("z", "x") if n not in names]
    if "y" not in names and "-y" not in names:
        missing.append("y")
    if missing:
        shown = "、".join("{" + n + "}" for n in missing)
        return f"瓦片地址缺少 {shown}：模板须同时包含 {{z}}、{{x}}、{{y}}(缩放级别和瓦片行列号)。"
    return ""


def tile_csp_source(template: str) -> str:
    """The Content-Security-Policy source (img-src) that lets the browser load the tiles of
    the template: its scheme and host, a host label holding a placeholder as "*" (Gaode's
    webrd0{s}.is.autonavi.com → https://*.is.autonavi.com). "" for no or a bad template."""
    template = (template or "").strip()
    if not template or tile_url_problem(template):
        return ""
    parts = urlsplit(template)
    host = parts.netloc.rsplit("@", 1)[-1]
    labels = ["*" if "{" in label else label for label in host.split(".")]
    if "*" in labels:
        labels = ["*", *labels[labels.index("*") + 1 :]]  # a wildcard only leads
    return f"{parts.scheme}://{'.'.join(labels)}"


def public_url_normalise(value: str) -> str:
    """The URL as stored and used: trimmed, without a trailing slash."""
    return (value or "").strip().rstrip("/")


def _host_problem(host: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        if address.is_loopback:
            return "是本机地址"
        if not address.is_global:
            return "是内网或保留 IP 地址"
        return ""
    name = host.rstrip(".").lower()
    if "." not in name:
        return "是只在内网可用的主机名" if name != "localhost" else "是本机地址"
    if name == "localhost" or name.endswith(".localhost"):
        return "是本机地址"
    if any(name == s or name.endswith("." + s) for s in _PRIVATE_SUFFIXES):
        return "是只在内网可用的域名"
    return ""


def public_url_problem(value: str) -> str:
    """Why workers' phones could not open QR codes pointing at this base URL ("" when fine)."""
    value = public_url_normalise(value)
    if not value:
        return "尚未设置公网访问地址"
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"公网访问地址“{value}”格式不正确，应为 https://域名"
    if parts.username or parts.password or parts.query or parts.fragment or parts.path:
        return f"公网访问地址“{value}”只应包含协议和域名(可带端口)，不带路径或参数"
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return f"公网访问地址“{value}”的端口不正确"
    problem = _host_problem(parts.hostname)
    if problem:
        return f"公网访问地址“{value}”{problem}，职工的手机无法打开"
    return ""


@dataclass(frozen=True)
class MapConfig:
    """The settings in force, and where each came from (SOURCE_DB or SOURCE_ENV)."""

    tile_url: str
    tile_attribution: str
    public_url: str
    tile_source: str
    public_source: str
    row: MapSettings | None

    @property
    def public_problem(self) -> str:
        return public_url_problem(self.public_url)

    @property
    def tile_problem(self) -> str:
        return tile_url_problem(self.tile_url)

    @property
    def tiles_usable(self) -> bool:
        return bool(self.tile_url) and not self.tile_problem

    @property
    def tile_csp_source(self) -> str:
        """The img-src source a Content-Security-Policy needs for the tiles in force."""
        return tile_csp_source(self.tile_url)


# The settings a map page read, for the rest of that (read-only) request: see allow_tiles.
_page_config: ContextVar["MapConfig | None"] = ContextVar("gonghui_map_config", default=None)


def map_config() -> MapConfig:
    """The map and sign settings in force (one query; none more within a map page's GET)."""
    memo = _page_config.get()
    if memo is not None:
        return memo
    row = MapSettings.objects.filter(pk=1).first()

    def pick(field: str, env: str) -> tuple[str, str]:
        stored = getattr(row, field) if row is not None else None
        if stored is None:
            return env, SOURCE_ENV
        return stored, SOURCE_DB

    tile_url, tile_source = pick("tile_url", settings.MAP_TILE_URL)
    attribution, _ = pick("tile_attribution", settings.MAP_TILE_ATTRIBUTION)
    public_url, public_source = pick("public_url", settings.PUBLIC_URL)
    return MapConfig(
        tile_url=tile_url.strip(),
        tile_attribution=attribution.strip(),
        public_url=public_url_normalise(public_url),
        tile_source=tile_source,
        public_source=public_source,
        row=row,
    )


COUNTY_ADMIN_ROLE = "county_admin"


def settings_admin_org(user):
    """The county federation (or an org above it) where the user holds the county admin
    role — who may change the installation-wide map and sign settings — or None."""
    from gonghui.accounts.models import RoleAssignment
    from gonghui.orgs.models import OrgLevel, OrgStatus

    if user is None or not user.is_authenticated or not user.is_active:
        return None
    assignment = (
        RoleAssignment.objects.filter(
            user=user,
            role__code=COUNTY_ADMIN_ROLE,
            org__level__lte=OrgLevel.COUNTY,
            org__status=OrgStatus.ACTIVE,
        )
        .select_related("org")
        .order_by("-org__level", "org_id")
        .first()
    )
    return assignment.org if assignment is not None else None


def basemap_config(county) -> dict:
    """What static/js/county_basemap.js needs to draw the county's base map: its layers
    (URL with the layer's version, label, bounding box) and the tile source in force (an
    unusable template counts as none, so the offline map still shows)."""
    from django.urls import reverse

    from gonghui.sites.selectors import map_layers

    config = map_config()
    layers = {}
    if county is not None:
        for layer in map_layers(county):
            layers[layer.kind] = {
                "url": f"{reverse('sites:map_layer', args=[layer.kind])}?county={county.pk}"
                f"&v={layer.version}",
                "label": layer.get_kind_display(),
                "bbox": layer.bbox,
            }
    return {
        "layers": layers,
        "tile_url": config.tile_url if config.tiles_usable else "",
        "tile_attribution": config.tile_attribution if config.tiles_usable else "",
        "tile_subdomains": TILE_SUBDOMAINS,
    }


def allow_tiles(view=None, *, any_https: bool = False):
    """Let a page that draws the base map load the tile server in force (CSP img-src).

    The policy in settings allows only the deployment's GONGHUI_MAP_TILE_URL; a tile server
    set on 地图与标牌设置 lives in the database, so each map page adds its host. The settings
    page itself (`any_https=True`) tries a template before it is saved, so it allows any
    https image host.
    """

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            config = map_config()
            # A GET changes no settings, so the page and its policy read them once.
            token = _page_config.set(config if request.method in ("GET", "HEAD") else None)
            try:
                response = func(request, *args, **kwargs)
            finally:
                _page_config.reset(token)
            if request.method not in ("GET", "HEAD"):
                config = map_config()
            sources = ["https:"] if any_https else []
            source = config.tile_csp_source
            if source:
                sources.append(source)
            if sources:
                response._csp_update = {"img-src": sources}
            return response

        return wrapper

    return decorate(view) if view is not None else decorate
