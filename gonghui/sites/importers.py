"""Import kind "sites": the service-site list, upserted by 站点编码 through the site services.

A row with a 站点编码 updates that site (or creates it under that code); a row without one
updates the site of the same name under the same managing union, or creates a new site with
a newly issued code. Only values that differ are written, so importing the same file twice
(or a file exported from the site list) changes nothing. A blank cell keeps what is stored.
"""

import re

from gonghui.core import geo
from gonghui.core.imports import parsers
from gonghui.core.imports.registry import ImportKind, register
from gonghui.core.imports.spec import (
    CREATED,
    SKIPPED,
    UNCHANGED,
    UPDATED,
    Column,
    ImportContext,
    ImportSpec,
    Row,
)
from gonghui.core.masking import mask_phone
from gonghui.orgs.models import Org, township_q
from gonghui.sites.hours import HoursError, hours_clean, hours_week_parse
from gonghui.sites.models import (
    CONFIRMED_STANDARDS,
    Facility,
    ServiceSite,
    SiteKind,
    SiteStatus,
    Standard,
    codes_to_mask,
)
from gonghui.sites.selectors import county_boundary, county_of

_LIST_SPLIT = re.compile(r"[,，、;；/\s]+")


def _code(value: str) -> str:
    code = value.replace(" ", "").upper()
    if not re.match(r"^\d{6}-[A-Z]{2}-\d{4}$", code):
        raise ValueError("格式应为 县区划代码-类型字母-4 位序号，如 339901-HW-0001。")
    return code


def _number(value: str) -> float:
    try:
        return float(value.replace("°", "").strip())
    except ValueError:
        raise ValueError(f"应为数字(当前为“{value}”)。") from None


def _crs(value: str) -> str:
    key = value.replace("-", "").replace("_", "").replace(" ", "").lower()
    aliases = {
        "gcj02": geo.Crs.GCJ02,
        "高德": geo.Crs.GCJ02,
        "腾讯": geo.Crs.GCJ02,
        "火星坐标": geo.Crs.GCJ02,
        "wgs84": geo.Crs.WGS84,
        "gps": geo.Crs.WGS84,
        "手机定位": geo.Crs.WGS84,
        "bd09": geo.Crs.BD09,
        "百度": geo.Crs.BD09,
    }
    for name, crs in aliases.items():
        if key.startswith(name.lower()):
            return crs
    raise ValueError(f"“{value}”不是可用的坐标系，可填：GCJ-02、WGS-84、BD-09。")


def _phone(value: str) -> str | None:
    """None for a masked number (a masked export read back): keep the stored one."""
    from gonghui.sites.services import phone_normalise

    if "*" in value:
        return None
    return phone_normalise(value)


def _hours(value: str) -> dict:
    try:
        return hours_clean(hours_week_parse(value))
    except HoursError as exc:
        raise ValueError(
            f"{exc} 示例：周一至周五 08:00-12:00,14:00-18:00；周六 09:00-12:00"
        ) from None


def _codes(choices, *, everything: tuple[str, ...] = ()):
    table = {}
    for code, label in choices.choices:
        table[code.lower()] = code
        table[label] = code
    allowed = "、".join(choices.labels)

    def parse(value: str) -> list[str]:
        if value in everything:
            return list(choices.values)
        if value in ("无", "否", "没有"):
            return []
        codes = []
        for part in _LIST_SPLIT.split(value):
            if not part:
                continue
            code = table.get(part) or table.get(part.lower())
            if code is None:
                raise ValueError(f"“{part}”不是可选的项目，可填：{allowed}。")
            if code not in codes:
                codes.append(code)
        return [c for c in choices.values if c in codes]  # checklist order

    return parse


_KIND_ALIASES = {
    "户外劳动者服务站": SiteKind.OUTDOOR_STATION,
    "户外劳动者驿站": SiteKind.OUTDOOR_STATION,
    "户外站点": SiteKind.OUTDOOR_STATION,
    "驿站": SiteKind.LOVE_STATION,
    "食堂": SiteKind.CANTEEN,
    "母婴室": SiteKind.NURSING_ROOM,
    "服务中心": SiteKind.SERVICE_CENTER,
    "职工服务中心": SiteKind.SERVICE_CENTER,
}
_STATUS_ALIASES = {"开放": SiteStatus.OPEN, "暂停": SiteStatus.SUSPENDED, "关闭": SiteStatus.CLOSED}

SITE_COLUMNS = (
    Column(
        "site_code",
        "站点编码",
        ("编码", "站点代码", "阵地编码"),
        parse=_code,
        help="如 339901-HW-0001；留空则新增站点并自动编码(同一管理工会下同名站点视为同一站点)。",
        example="",
    ),
    Column(
        "name",
        "名称",
        ("站点名称", "阵地名称"),
        required=True,
        parse=parsers.text(max_length=100),
        example="城东户外劳动者服务站",
    ),
    Column(
        "kind",
        "类型",
        ("站点类型", "阵地类型"),
        parse=parsers.choice(SiteKind.choices, aliases=_KIND_ALIASES),
        help="可填：" + "、".join(SiteKind.labels) + "。新增站点必填。",
        example="户外劳动者服务站点",
    ),
    Column(
        "org_code",
        "管理工会编码",
        ("管理单位编码", "所属工会编码"),
        parse=parsers.org_code,
        help="管理该站点的工会组织编码；不填时为导入时选择的组织(已有站点保持不变)。",
    ),
    Column(
        "org_name",
        "管理工会名称",
        ("管理工会", "管理单位", "所属工会"),
        help="未填写管理工会编码时按名称查找(须在导入范围内且不重名)。",
    ),
    Column(
        "township",
        "所在乡镇(街道)",
        ("所在乡镇", "乡镇(街道)", "乡镇街道"),
        parse=parsers.text(max_length=100),
        help="乡镇(街道、园区)工会名称；不填时按管理工会自动确定。",
    ),
    Column("address", "地址", ("详细地址", "站点地址"), parse=parsers.text(max_length=200)),
    Column("lng", "经度", ("东经",), parse=_number, help="新增站点必填。", example="119.723456"),
    Column("lat", "纬度", ("北纬",), parse=_number, help="新增站点必填。", example="29.103456"),
    Column(
        "crs",
        "坐标系",
        ("坐标类型",),
        parse=_crs,
        help="GCJ-02(高德/腾讯，默认)、WGS-84(GPS)或 BD-09(百度)；保存时换算为 GCJ-02。",
        example="GCJ-02",
    ),
    Column(
        "host_unit",
        "主办单位",
        ("承建单位", "依托单位", "承建(依托)单位"),
        parse=parsers.text(max_length=150),
    ),
    Column("contact_name", "联系人", ("负责人",), parse=parsers.text(max_length=50)),
    Column(
        "contact_phone",
        "联系电话",
        ("电话", "联系方式", "手机"),
        parse=_phone,
        mask=mask_phone,
    ),
    Column(
        "opening_hours",
        "开放时间",
        ("营业时间", "服务时间"),
        parse=_hours,
        help="如“周一至周五 08:00-12:00,14:00-18:00；周六 09:00-12:00”；只写时段表示每天。",
        example="周一至周五 08:00-18:00",
    ),
    Column(
        "is_24h",
        "24小时",
        ("24小时开放", "是否24小时"),
        parse=parsers.boolean(),
        help="是 / 否。",
    ),
    Column(
        "facilities",
        "设施",
        ("服务设施",),
        parse=_codes(Facility),
        help="逗号分隔，可填：" + "、".join(Facility.labels) + "。",
        example="休息场所,冷热饮水,充电",
    ),
    Column(
        "standards",
        "六有",
        ("六有标准",),
        parse=_codes(Standard, everything=("是", "全部", "达标", "六有")),
        help="逗号分隔的达标项，或“是/达标”(六项全部)：" + "、".join(Standard.labels) + "。",
    ),
    Column(
        "status",
        "状态",
        ("站点状态",),
        parse=parsers.choice(SiteStatus.choices, aliases=_STATUS_ALIASES),
        help="正常开放、暂停服务或已关闭；暂停或关闭须填写状态说明。",
    ),
    Column(
        "status_reason", "状态说明", ("暂停原因", "关闭原因"), parse=parsers.text(max_length=200)
    ),
    Column("status_changed_on", "状态变更日期", (), parse=parsers.date_value()),
)
SIMPLE_FIELDS = ("name", "kind", "address", "host_unit", "contact_name", "contact_phone", "is_24h")


def _orgs(ctx: ImportContext, rows: list[Row]) -> tuple[dict, dict]:
    codes = {r.values.get("org_code") for r in rows} - {None}
    names = {r.values.get("org_name") for r in rows if not r.values.get("org_code")} - {None}
    by_code = {o.code: o for o in Org.objects.filter(code__in=codes)} if codes else {}
    by_name: dict[str, list[Org]] = {}
    if names:
        for org in Org.objects.filter(name__in=names, path__startswith=ctx.org.path):
            by_name.setdefault(org.name, []).append(org)
    return by_code, by_name


def _row_org(ctx, row, by_code, by_name) -> Org | None:
    values = row.values
    if values.get("org_code"):
        org = by_code.get(values["org_code"])
        if org is None or not ctx.org_allowed(org):
            row.error(f"管理工会“{values['org_code']}”不存在或不在您的管理范围内。")
            return None
        return org
    if values.get("org_name"):
        matches = by_name.get(values["org_name"], [])
        if len(matches) != 1:
            row.error(
                f"管理工会“{values['org_name']}”"
                + ("对应多个组织，请改填管理工会编码。" if matches else "不存在或不在导入范围内。")
            )
            return None
        return matches[0]
    return None


def _township(ctx: ImportContext, row: Row, org: Org) -> Org | None:
    name = row.values.get("township")
    if not name:
        return None
    county = county_of(org)
    cache = ctx.state.setdefault("townships", {})
    key = (county.pk if county else None, name)
    if key not in cache:
        townships = Org.objects.filter(township_q(), name=name)
        if county is not None:
            townships = townships.filter(path__startswith=county.path)
        cache[key] = list(townships[:2])
    found = cache[key]
    if len(found) != 1:
        row.error(f"所在乡镇(街道)“{name}”" + ("重名，请检查。" if found else "不存在。"))
        return None
    return found[0]


def _point(ctx: ImportContext, row: Row, org: Org):
    """The row's point in GCJ-02, or None when the row gives none."""
    values = row.values
    if "lng" not in values and "lat" not in values:
        return None
    if "lng" not in values or "lat" not in values:
        row.error("经度和纬度须同时填写。")
        return None
    county = county_of(org)
    boundaries = ctx.state.setdefault("boundaries", {})
    key = county.pk if county else None
    if key not in boundaries:
        boundaries[key] = county_boundary(county)
    try:
        return geo.coordinate_parse(
            values["lng"], values["lat"], values.get("crs", geo.Crs.GCJ02), within=boundaries[key]
        )
    except geo.CoordinateError as exc:
        row.error(f"坐标：{exc.message}")
        return None


def _validate(ctx: ImportContext, rows: list[Row]) -> None:
    codes_in_file: dict[str, int] = ctx.state.setdefault("codes_in_file", {})
    stored = {
        s.site_code: s
        for s in ServiceSite.objects.filter(
            site_code__in={r.values["site_code"] for r in rows if r.values.get("site_code")}
        ).select_related("org")
    }
    by_code, by_name = _orgs(ctx, rows)
    blank = [r for r in rows if not r.values.get("site_code")]
    named: dict[tuple[int, str], list[ServiceSite]] = {}
    if blank:
        for site in ServiceSite.objects.filter(
            name__in={r.values["name"] for r in blank}, org__path__startswith=ctx.org.path
        ).select_related("org"):
            named.setdefault((site.org_id, site.name), []).append(site)
    for row in rows:
        values = row.values
        code = values.get("site_code")
        if code:
            first = codes_in_file.setdefault(code, row.number)
            if first != row.number:
                row.error(f"站点编码“{code}”与第 {first} 行重复。")
                continue
        org = _row_org(ctx, row, by_code, by_name)
        if row.errors:
            continue
        existing = stored.get(code) if code else None
        if existing is not None and not ctx.org_allowed(existing.org):
            row.error("该站点编码已由导入范围以外的工会使用，请联系上级工会处理。")
            continue
        if existing is None and not code:
            matches = named.get(((org or ctx.org).pk, values["name"]), [])
            if len(matches) > 1:
                row.error(f"管理工会下有多个名为“{values['name']}”的站点，请填写站点编码。")
                continue
            existing = matches[0] if matches else None
        target = org or (existing.org if existing else ctx.org)
        if not target.is_active and (existing is None or target != existing.org):
            row.error(f"工会组织“{target.name}”已撤销。")
            continue
        if existing is None:
            for key, label in (("kind", "类型"), ("lng", "经度"), ("lat", "纬度")):
                if key not in values:
                    row.error(f"新增站点请填写{label}。")
        elif "kind" in values and values["kind"] != existing.kind:
            row.error("站点类型与站点编码不符；类型变更请新登记站点。")
        point = _point(ctx, row, target)
        township = _township(ctx, row, target)
        status = values.get("status")
        needs_reason = status in (SiteStatus.SUSPENDED, SiteStatus.CLOSED)
        if (
            needs_reason
            and not values.get("status_reason")
            and (existing is None or existing.status != status)
        ):
            row.error("暂停或关闭的站点须填写状态说明。")
        row.existing = existing is not None
        row.data.update(existing=existing, org=target, point=point, township=township)


def _changes(row: Row, site: ServiceSite) -> dict:
    values, data = row.values, row.data
    changes = {
        f: values[f]
        for f in SIMPLE_FIELDS
        if values.get(f) is not None and getattr(site, f) != values[f]
    }
    if "opening_hours" in values and hours_clean(site.opening_hours) != values["opening_hours"]:
        changes["opening_hours"] = values["opening_hours"]
    # Only confirmed "六有" items are stored (the records decide the others): an exported
    # list, which names them all, is unchanged when its confirmed items are.
    kept = {"facilities": -1, "standards": codes_to_mask(Standard, CONFIRMED_STANDARDS)}
    for key, choices in (("facilities", Facility), ("standards", Standard)):
        if key in values and codes_to_mask(choices, values[key]) & kept[key] != getattr(site, key):
            changes[key] = values[key]
    point = data["point"]
    if point is not None and (round(site.lng, 6), round(site.lat, 6)) != point:
        changes["lng"], changes["lat"] = point
    if data["org"].pk != site.org_id:
        changes["org"] = data["org"]
    township = data["township"]
    if township is not None and township.pk != site.township_id:
        changes["township"] = township
    return changes


def _commit(ctx: ImportContext, row: Row) -> str:
    from gonghui.sites.services import site_create, site_set_status, site_update

    values, data = row.values, row.data
    existing = data["existing"]
    if existing is not None:
        if ctx.skip_existing:
            return SKIPPED
        site = ServiceSite.objects.select_related("org").get(pk=existing.pk)
        changes = _changes(row, site)
        if changes:
            site = site_update(actor=ctx.actor, site=site, version=site.version, **changes)
        status = values.get("status")
        if status and status != site.status:
            site_set_status(
                actor=ctx.actor,
                site=site,
                status=status,
                reason=values.get("status_reason", ""),
                on=values.get("status_changed_on"),
            )
            return UPDATED
        return UPDATED if changes else UNCHANGED
    lng, lat = data["point"]
    status = values.get("status", SiteStatus.OPEN)
    site_create(
        actor=ctx.actor,
        org=data["org"],
        kind=values["kind"],
        name=values["name"],
        lng=lng,
        lat=lat,
        address=values.get("address", ""),
        township=data["township"],
        host_unit=values.get("host_unit", ""),
        contact_name=values.get("contact_name", ""),
        contact_phone=values.get("contact_phone") or "",
        opening_hours=values.get("opening_hours"),
        is_24h=values.get("is_24h", False),
        facilities=values.get("facilities", ()),
        standards=values.get("standards", ()),
        status=status,
        status_reason=values.get("status_reason", "") if status != SiteStatus.OPEN else "",
        status_changed_on=values.get("status_changed_on"),
        site_code=values.get("site_code", ""),
    )
    return CREATED


SITE_SPEC = ImportSpec(
    columns=SITE_COLUMNS,
    # Rows without a code are told apart by name (same name under one union = one site).
    natural_key=("site_code", "name"),
    validate_batch=_validate,
    row_commit=_commit,
    field_labels={
        "org": "管理工会编码",
        "coordinates": "坐标",
        "reason": "状态说明",
        "image": "照片",
    },
    commit_batch_size=200,
)

register(
    ImportKind(
        code="sites",
        title="服务阵地",
        module="sites",
        spec=SITE_SPEC,
        description=(
            "按站点编码新增或更新服务阵地(站点)；编码留空则新增并自动编码。"
            "坐标可为 GCJ-02、WGS-84 或 BD-09，保存时统一换算为 GCJ-02。"
        ),
        next_url_name="sites:list",
        existing_choice=True,
    )
)
