"""Import kinds of the orgs app: the union organisation list and the employer list.

Both upsert by their natural key (组织编码, 统一社会信用代码) through the app's services, and
write only rows whose values differ, so the same file imported twice changes nothing.
A blank cell leaves the stored value as it is.
"""

from operator import mul

from gonghui.core.imports import parsers
from gonghui.core.imports.registry import ImportKind, register
from gonghui.core.imports.spec import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    ImportContext,
    ImportSpec,
    Row,
)
from gonghui.core.masking import mask_phone
from gonghui.core.text import normalise_text
from gonghui.orgs.models import (
    EconomicType,
    Enterprise,
    EnterpriseSize,
    Industry,
    Org,
    OrgLevel,
    OrgType,
)
from gonghui.orgs.validators import credit_code_clean, division_code_clean, enterprise_name_key

# --- shared ------------------------------------------------------------------------------


def _division(value: str) -> str:
    if len(value) in (6, 9, 12) and value.isascii() and value.isdigit():
        return value  # the common, valid case without the validator's re-normalising
    return division_code_clean(value)


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def _credit_code(value: str) -> str:
    """credit_code_clean with a fast path for valid codes (the same check as stdnum's uscc).

    Imports validate hundreds of thousands of codes; stdnum's generic helpers dominate the
    time. Anything the fast path does not accept goes to credit_code_clean, which gives the
    Chinese message (tests/test_enterprises_import checks both agree).
    """
    code = value.replace(" ", "").replace("-", "").upper()
    if len(code) == 18 and code[:8].isascii() and code[:8].isdigit():
        values = _USCC_VALUES
        try:
            total = sum(map(mul, map(values.__getitem__, code[:17]), _USCC_WEIGHTS))
            if code[17] == _USCC_ALPHABET[(31 - total) % 31]:
                return code
        except KeyError:
            pass
    return credit_code_clean(value)


def _orgs_by_code(codes) -> dict[str, Org]:
    codes = {c for c in codes if c}
    if not codes:
        return {}
    return {o.code: o for o in Org.objects.filter(code__in=codes).select_related("parent")}


def _orgs_by_name(ctx: ImportContext, names) -> dict[str, list[Org]]:
    """Orgs with these names inside the job's target subtree (names are not unique)."""
    names = {n for n in names if n}
    found: dict[str, list[Org]] = {}
    if names:
        for org in Org.objects.filter(name__in=names, path__startswith=ctx.org.path):
            found.setdefault(org.name, []).append(org)
    return found


# --- 工会组织 ------------------------------------------------------------------------------

_ORG_TYPE_ALIASES = {
    "县总工会": OrgType.FEDERATION,
    "市总工会": OrgType.FEDERATION,
    "区总工会": OrgType.FEDERATION,
    "乡镇工会": OrgType.TOWNSHIP,
    "街道工会": OrgType.TOWNSHIP,
    "乡镇总工会": OrgType.TOWNSHIP,
    "镇总工会": OrgType.TOWNSHIP,
    "乡镇(街道)总工会": OrgType.TOWNSHIP,
    "村工会": OrgType.COMMUNITY,
    "社区工会": OrgType.COMMUNITY,
    "村(社区)工会联合会": OrgType.COMMUNITY,
    "企业": OrgType.ENTERPRISE,
    "非公企业工会": OrgType.ENTERPRISE,
    "机关工会": OrgType.INSTITUTION,
    "事业单位工会": OrgType.INSTITUTION,
    "机关事业单位": OrgType.INSTITUTION,
}
_ORG_LEVEL_ALIASES = {
    "国家级": OrgLevel.NATIONAL,
    "省": OrgLevel.PROVINCE,
    "市": OrgLevel.CITY,
    "县": OrgLevel.COUNTY,
    "县区级": OrgLevel.COUNTY,
    "乡镇级": OrgLevel.TOWNSHIP,
    "街道级": OrgLevel.TOWNSHIP,
    "园区级": OrgLevel.TOWNSHIP,
    "乡镇": OrgLevel.TOWNSHIP,
    "基层工会": OrgLevel.GRASSROOTS,
    "村级": OrgLevel.GRASSROOTS,
    "社区级": OrgLevel.GRASSROOTS,
}

ORG_COLUMNS = (
    Column(
        "name",
        "组织名称",
        ("工会名称", "组织全称", "工会全称", "名称"),
        required=True,
        parse=parsers.text(max_length=100),
        help="工会组织的全称。",
        example="甲镇一村工会",
    ),
    Column(
        "code",
        "组织编码",
        ("工会编码", "组织代码", "工会代码", "编码"),
        required=True,
        parse=parsers.org_code,
        help="唯一编码，用来识别同一组织；重复导入时按编码更新。",
        example="999001001",
    ),
    Column(
        "parent_code",
        "上级组织编码",
        ("上级编码", "上级工会编码", "上级代码"),
        parse=parsers.org_code,
        help="新增组织必须填写上级组织编码或上级组织名称；可引用本文件中前面各行的组织。",
        example="999001",
    ),
    Column(
        "parent_name",
        "上级组织名称",
        ("上级组织", "上级工会", "上级工会名称"),
        help="未填写上级组织编码时按名称查找(须在导入范围内且不重名)。",
    ),
    Column(
        "type",
        "组织类型",
        ("类型", "工会类型"),
        parse=parsers.choice(OrgType.choices, aliases=_ORG_TYPE_ALIASES),
        help="可填：" + "、".join(OrgType.labels) + "。新增组织必填。",
        example="村(社区)工会",
    ),
    Column(
        "level",
        "层级",
        ("组织层级", "级别"),
        parse=parsers.choice(OrgLevel.choices, aliases=_ORG_LEVEL_ALIASES),
        help="可填：" + "、".join(OrgLevel.labels) + "。不填时为上级组织的下一级。",
        example="基层",
    ),
    Column(
        "division_code",
        "行政区划代码",
        ("区划代码", "行政区划"),
        parse=_division,
        help="6 位(县级)、9 位(乡镇级)或 12 位(村级)数字。",
        example="999999001001",
    ),
    Column(
        "chair_name",
        "工会主席",
        ("主席", "主席姓名", "工会主席姓名"),
        parse=parsers.text(max_length=50),
        example="张三",
    ),
    Column(
        "address",
        "地址",
        ("办公地址", "详细地址", "通讯地址"),
        parse=parsers.text(max_length=200),
        example="甲镇一村村委会",
    ),
)
ORG_FIELDS = ("name", "type", "level", "division_code", "chair_name", "address")


def _org_validate(ctx: ImportContext, rows: list[Row]) -> None:
    # Orgs defined by earlier rows of this file: code → {"row", "level", "ok", "name"}.
    in_file: dict[str, dict] = ctx.state.setdefault("orgs_in_file", {})
    names_in_file: dict[str, list[str]] = ctx.state.setdefault("org_names_in_file", {})
    siblings: dict[tuple[str, str], tuple[str, int]] = ctx.state.setdefault("org_siblings", {})
    stored = _orgs_by_code(
        {r.values["code"] for r in rows} | {r.values.get("parent_code") for r in rows}
    )
    by_name = _orgs_by_name(
        ctx, {r.values.get("parent_name") for r in rows if not r.values.get("parent_code")}
    )
    for row in rows:
        values = row.values
        code = values["code"]
        existing = stored.get(code)
        if existing is not None and not ctx.org_allowed(existing):
            row.error(f"组织编码“{code}”已被导入范围以外的组织使用。")
            continue
        parent, parent_level, parent_code = _org_parent(
            ctx, row, existing, stored, by_name, in_file, names_in_file
        )
        if row.errors:
            in_file.setdefault(code, {"row": row.number, "level": 0, "ok": False})
            continue
        if existing is None:
            if "type" not in values:
                row.error("新增组织请填写组织类型。")
            level = values.get("level") or min(parent_level + 1, max(OrgLevel.values))
        else:
            level = values.get("level", existing.level)
        if parent_level and level <= parent_level:
            row.error(f"层级必须低于上级组织的层级({OrgLevel(parent_level).label})。")
        if existing is not None and "level" in values:
            child_levels = existing.children.values_list("level", flat=True)
            if any(child <= level for child in child_levels):
                row.error("层级必须高于其下级组织。")
        sibling = siblings.setdefault((parent_code, values["name"]), (code, row.number))
        if sibling[0] != code:
            row.error(f"与第 {sibling[1]} 行同属一个上级组织且名称相同。")
        row.data.update(existing=existing, parent=parent, parent_code=parent_code, level=level)
        in_file[code] = {
            "row": row.number,
            "level": level,
            "ok": not row.errors,
            "name": values["name"],
        }
        if not row.errors:
            names_in_file.setdefault(values["name"], []).append(code)
    _org_check_names(rows, stored)


def _org_parent(ctx, row, existing, stored, by_name, in_file, names_in_file):
    """(parent Org or None, parent level, parent code) for a row; errors on the row."""
    values = row.values
    parent_code = values.get("parent_code")
    if not parent_code and values.get("parent_name"):
        name = values["parent_name"]
        codes = names_in_file.get(name, [])
        matches = by_name.get(name, [])
        if len(codes) + len(matches) > 1:
            row.error(f"上级组织名称“{name}”对应多个组织，请改填上级组织编码。")
            return None, 0, ""
        if codes:
            parent_code = codes[0]
        elif matches:
            parent_code = matches[0].code
            stored.setdefault(parent_code, matches[0])
        else:
            row.error(f"上级组织“{name}”不存在或不在导入范围内。")
            return None, 0, ""
    if not parent_code:
        if existing is None:
            row.error("新增组织请填写上级组织编码或上级组织名称。")
            return None, 0, ""
        parent = existing.parent
        return parent, parent.level if parent else 0, parent.code if parent else ""
    if parent_code == values["code"]:
        row.error("上级组织不能是它自己。")
        return None, 0, ""
    if existing is not None:
        current = existing.parent.code if existing.parent else ""
        if parent_code != current:
            row.error(
                f"组织“{existing.name}”已存在，上级组织与系统中不一致；"
                "导入不会移动组织，请在组织树中使用“移动”。"
            )
            return None, 0, ""
        return existing.parent, existing.parent.level, current
    if parent_code in in_file:
        earlier = in_file[parent_code]
        if not earlier["ok"]:
            row.error(f"上级组织“{parent_code}”(第 {earlier['row']} 行)有错误，本行不能导入。")
            return None, 0, ""
        parent = stored.get(parent_code)  # already in the database when re-importing
        return parent, earlier["level"], parent_code
    parent = stored.get(parent_code)
    if parent is None or not ctx.org_allowed(parent):
        row.error(f"上级组织“{parent_code}”不存在或不在您的管理范围内。")
        return None, 0, ""
    if not parent.is_active:
        row.error(f"上级组织“{parent.name}”已撤销，不能在其下新建组织。")
        return None, 0, ""
    return parent, parent.level, parent_code


def _org_check_names(rows: list[Row], stored: dict[str, Org]) -> None:
    """Two orgs may not share a name under one parent (database and file)."""
    pending = [r for r in rows if not r.errors and r.data.get("parent") is not None]
    if not pending:
        return
    taken = {
        (parent_id, name): code
        for parent_id, name, code in Org.objects.filter(
            parent_id__in={r.data["parent"].pk for r in pending},
            name__in={r.values["name"] for r in pending},
        ).values_list("parent_id", "name", "code")
    }
    for row in pending:
        holder = taken.get((row.data["parent"].pk, row.values["name"]))
        if holder is not None and holder != row.values["code"]:
            row.error(f"上级组织下已有同名组织“{row.values['name']}”(编码 {holder})。")


def _org_commit(ctx: ImportContext, row: Row) -> str:
    from gonghui.orgs.services import org_create, org_update

    values = row.values
    existing = Org.objects.filter(code=values["code"]).first()
    if existing is None:
        parent = Org.objects.filter(code=row.data["parent_code"]).first()
        if parent is None:
            raise ValueError(f"上级组织“{row.data['parent_code']}”未能导入，本行不能导入。")
        org_create(
            actor=ctx.actor,
            parent=parent,
            name=values["name"],
            code=values["code"],
            type=values["type"],
            level=row.data["level"],
            division_code=values.get("division_code", ""),
            chair_name=values.get("chair_name", ""),
            address=values.get("address", ""),
        )
        return CREATED
    changes = {
        field: values[field]
        for field in ORG_FIELDS
        if field in values
        and normalise_text(getattr(existing, field)) != normalise_text(values[field])
    }
    if not changes:
        return UNCHANGED
    org_update(actor=ctx.actor, org=existing, **changes)
    return UPDATED


ORG_SPEC = ImportSpec(
    columns=ORG_COLUMNS,
    natural_key="code",
    validate_batch=_org_validate,
    row_commit=_org_commit,
    field_labels={"parent": "上级组织"},
    commit_batch_size=200,
)

# --- 用人单位 ------------------------------------------------------------------------------


def _industry_key(text: str) -> str:
    for mark in (" ", "-", "、", ",", "，", ".", ":", "：", "_"):
        text = text.replace(mark, "")
    return text.upper()


_INDUSTRIES = {
    _industry_key(form): letter
    for letter, label in Industry.choices
    for form in (letter, label, letter + label)
}


def _industry(value: str) -> str:
    """A GB/T 4754 section letter, its name, or both ("C", "制造业", "C 制造业", "c-制造业")."""
    hit = _INDUSTRIES.get(value)
    if hit is not None:
        return hit
    try:
        return _INDUSTRIES[_industry_key(value)]
    except KeyError:
        raise ValueError(
            f"“{value}”不是国民经济行业门类，请填写门类字母(A–T)或名称，如“C”或“制造业”。"
        ) from None


_SIZE_ALIASES = {
    "大": EnterpriseSize.LARGE,
    "中": EnterpriseSize.MEDIUM,
    "小": EnterpriseSize.SMALL,
    "微": EnterpriseSize.MICRO,
    "大型企业": EnterpriseSize.LARGE,
    "中型企业": EnterpriseSize.MEDIUM,
    "小型企业": EnterpriseSize.SMALL,
    "微型企业": EnterpriseSize.MICRO,
}
_ECONOMIC_ALIASES = {
    "国有企业": EconomicType.STATE,
    "国企": EconomicType.STATE,
    "国有控股": EconomicType.STATE,
    "集体企业": EconomicType.COLLECTIVE,
    "私营企业": EconomicType.PRIVATE,
    "民营": EconomicType.PRIVATE,
    "民营企业": EconomicType.PRIVATE,
    "外资": EconomicType.FOREIGN,
    "外资企业": EconomicType.FOREIGN,
    "外商独资": EconomicType.FOREIGN,
    "中外合资": EconomicType.FOREIGN,
    "港澳台": EconomicType.HMT,
    "港澳台商投资": EconomicType.HMT,
    "个体": EconomicType.INDIVIDUAL,
}

ENTERPRISE_COLUMNS = (
    Column(
        "name",
        "单位名称",
        ("企业名称", "用人单位名称", "用人单位", "单位全称", "企业全称"),
        required=True,
        parse=parsers.text(max_length=150),
        example="某某科技有限公司",
    ),
    Column(
        "credit_code",
        "统一社会信用代码",
        ("信用代码", "社会信用代码", "统一代码"),
        required=True,
        parse=_credit_code,
        help="18 位，含校验位；重复导入时按此代码更新。",
        example="91999001MA0000001X",
    ),
    Column(
        "industry",
        "行业",
        ("所属行业", "行业门类", "行业分类"),
        parse=_industry,
        help="国民经济行业门类字母(A–T)或名称。新增单位必填。",
        example="C",
    ),
    Column(
        "size",
        "规模",
        ("企业规模", "单位规模"),
        parse=parsers.choice(EnterpriseSize.choices, aliases=_SIZE_ALIASES),
        help="大型、中型、小型、微型。新增单位必填。",
        example="小型",
    ),
    Column(
        "economic_type",
        "经济类型",
        ("经济性质", "登记注册类型", "所有制类型"),
        parse=parsers.choice(EconomicType.choices, aliases=_ECONOMIC_ALIASES),
        help="可填：" + "、".join(EconomicType.labels) + "。不填时为私营。",
        example="私营",
    ),
    Column(
        "employee_count",
        "职工人数",
        ("员工人数", "从业人数", "职工数"),
        parse=parsers.integer(minimum=0, maximum=10_000_000),
        example="120",
    ),
    Column(
        "has_union",
        "是否建会",
        ("已建会", "是否建立工会", "建会情况"),
        parse=parsers.boolean(),
        help="是 / 否。",
        example="是",
    ),
    Column(
        "org_code",
        "覆盖工会编码",
        ("所属工会编码", "覆盖工会组织编码"),
        parse=parsers.org_code,
        help="覆盖该单位的工会组织编码；不填时为导入时选择的组织(已有单位保持不变)。",
        example="999001",
    ),
    Column(
        "org_name",
        "所属工会",
        ("覆盖工会", "所属工会名称", "覆盖工会名称"),
        help="未填写覆盖工会编码时按名称查找(须在导入范围内且不重名)。",
    ),
    Column(
        "division_code",
        "所在行政区划代码",
        ("行政区划代码", "区划代码"),
        parse=_division,
        example="999999001",
    ),
    Column(
        "address",
        "地址",
        ("单位地址", "注册地址", "经营地址", "详细地址"),
        parse=parsers.text(max_length=200),
    ),
    Column(
        "legal_representative",
        "法定代表人",
        ("法人", "法人代表", "法定代表人姓名"),
        parse=parsers.text(max_length=50),
    ),
    Column("contact_name", "联系人", ("联系人姓名",), parse=parsers.text(max_length=50)),
    Column(
        "contact_phone",
        "联系电话",
        ("电话", "联系方式", "手机", "手机号码", "联系人电话"),
        parse=parsers.phone(),
        mask=mask_phone,
    ),
)
ENTERPRISE_FIELDS = (
    "name",
    "industry",
    "size",
    "economic_type",
    "employee_count",
    "has_union",
    "division_code",
    "address",
    "legal_representative",
    "contact_name",
    "contact_phone",
)


def _placeholders(ctx: ImportContext) -> dict[str, list[int]]:
    """The unverified employers in the import's scope (created by name from a member
    roster), by name key: a row for one of them completes and verifies it instead of
    registering the same employer twice. Read once per pass."""
    found = ctx.state.get("placeholders")
    if found is None:
        found = ctx.state["placeholders"] = {}
        unverified = Enterprise.objects.filter(verified=False, org__path__startswith=ctx.org.path)
        for pk, name in unverified.values_list("pk", "name"):
            found.setdefault(enterprise_name_key(name), []).append(pk)
    return found


def _enterprise_validate(ctx: ImportContext, rows: list[Row]) -> None:
    stored = {
        e.credit_code: e
        for e in Enterprise.objects.filter(
            credit_code__in={r.values["credit_code"] for r in rows}
        ).select_related("org")
    }
    orgs = _orgs_by_code({r.values.get("org_code") for r in rows})
    by_name = _orgs_by_name(
        ctx, {r.values.get("org_name") for r in rows if not r.values.get("org_code")}
    )
    for row in rows:
        values = row.values
        existing = stored.get(values["credit_code"])
        if existing is not None and not ctx.org_allowed(existing.org):
            row.error("该统一社会信用代码已由导入范围以外的工会登记，请联系上级工会处理。")
            continue
        org = None
        if values.get("org_code"):
            org = orgs.get(values["org_code"])
            if org is None or not ctx.org_allowed(org):
                row.error(f"覆盖工会“{values['org_code']}”不存在或不在您的管理范围内。")
                continue
        elif values.get("org_name"):
            matches = by_name.get(values["org_name"], [])
            if len(matches) != 1:
                row.error(
                    f"所属工会“{values['org_name']}”"
                    + (
                        "对应多个组织，请改填覆盖工会编码。"
                        if matches
                        else "不存在或不在导入范围内。"
                    )
                )
                continue
            org = matches[0]
        elif existing is None:
            org = ctx.org
        if org is not None and not org.is_active and (existing is None or org != existing.org):
            row.error(f"工会组织“{org.name}”已撤销。")
            continue
        if existing is None:
            for key, label in (("industry", "行业"), ("size", "规模")):
                if key not in values:
                    row.error(f"新增单位请填写{label}。")
        if existing is not None and existing.union_id and values.get("has_union") is False:
            row.error("该单位已登记本单位工会，“是否建会”不能填“否”。")
            continue
        placeholder = None
        if existing is None and not row.errors:
            # One row per unverified employer: the first that names it claims it.
            claimed = ctx.state.setdefault("placeholders_claimed", set())
            matches = _placeholders(ctx).get(enterprise_name_key(values["name"]), [])
            if len(matches) == 1 and matches[0] not in claimed:
                placeholder = matches[0]
                claimed.add(placeholder)
        row.data.update(existing=existing, org=org, placeholder=placeholder)


def _org_given(values: dict) -> bool:
    return bool(values.get("org_code") or values.get("org_name"))


def _enterprise_commit(ctx: ImportContext, row: Row) -> str:
    from gonghui.orgs.services import enterprise_create, enterprise_update

    values = row.values
    org = row.data["org"]
    existing = Enterprise.objects.filter(credit_code=values["credit_code"]).first()
    placeholder = row.data.get("placeholder")
    if existing is None and placeholder is not None:
        unverified = Enterprise.objects.filter(pk=placeholder, verified=False).first()
        if unverified is not None:  # completing it verifies it (enterprise_update)
            data = {field: values[field] for field in ENTERPRISE_FIELDS if field in values}
            enterprise_update(
                actor=ctx.actor,
                enterprise=unverified,
                credit_code=values["credit_code"],
                **({"org": org} if _org_given(values) and org.pk != unverified.org_id else {}),
                **data,
            )
            return UPDATED
    if existing is None:
        data = {field: values[field] for field in ENTERPRISE_FIELDS if field in values}
        data.setdefault("employee_count", 0)
        data.setdefault("has_union", False)
        enterprise_create(
            actor=ctx.actor, credit_code=values["credit_code"], org=org, union=None, **data
        )
        return CREATED
    changes = {
        field: values[field]
        for field in ENTERPRISE_FIELDS
        if field in values and getattr(existing, field) != values[field]
    }
    if org is not None and org.pk != existing.org_id:
        changes["org"] = org
    if not changes:
        return UNCHANGED
    enterprise_update(actor=ctx.actor, enterprise=existing, **changes)
    return UPDATED


ENTERPRISE_SPEC = ImportSpec(
    columns=ENTERPRISE_COLUMNS,
    natural_key="credit_code",
    validate_batch=_enterprise_validate,
    row_commit=_enterprise_commit,
    field_labels={"org": "覆盖工会编码", "union": "本单位工会"},
)

register(
    ImportKind(
        code="orgs",
        title="工会组织",
        module="orgs",
        spec=ORG_SPEC,
        description="按组织编码新增或更新工会组织。可一次导入上下级：下级行引用本文件前面各行的组织编码即可。",
        next_url_name="orgs:tree",
    )
)
register(
    ImportKind(
        code="enterprises",
        title="用人单位",
        module="orgs",
        spec=ENTERPRISE_SPEC,
        description="按统一社会信用代码新增或更新用人单位(企业)。",
        next_url_name="orgs:enterprise_list",
    )
)
