"""Demo county: a fictional 青禾县 with townships, grassroots unions and employers."""

import random

from django.db import transaction
from stdnum.cn import uscc

from gonghui.orgs.models import (
    EconomicType,
    Enterprise,
    EnterpriseSize,
    Industry,
    Org,
    OrgLevel,
    OrgType,
)
from gonghui.orgs.services import enterprise_create, org_create

CITY_CODE, COUNTY_CODE = "339900", "339901"
TOWNSHIPS = [
    ("青禾街道", OrgType.TOWNSHIP),
    ("东湖街道", OrgType.TOWNSHIP),
    ("西岭镇", OrgType.TOWNSHIP),
    ("南塘镇", OrgType.TOWNSHIP),
    ("北山镇", OrgType.TOWNSHIP),
    ("石桥镇", OrgType.TOWNSHIP),
    ("柳溪镇", OrgType.TOWNSHIP),
    ("梅林镇", OrgType.TOWNSHIP),
    ("白沙乡", OrgType.TOWNSHIP),
    ("云台乡", OrgType.TOWNSHIP),
    ("青禾经济开发区", OrgType.PARK),
    ("青禾高新技术产业园", OrgType.PARK),
]
VILLAGE_WORDS = "桃源 杏花 新塘 清水 龙泉 长乐 福田 春晖 凤鸣 金桥 和平 永安 兴隆 安澜".split()
BRAND_WORDS = "华禾 恒远 盛达 联创 睿博 宏信 瑞丰 德润 汇通 鼎盛 锦程 众诚 天成 嘉益 优立 明途 新锐 博远 通达 安泰 金穗 绿源 启航 宜嘉 康宁 卓越 蓝海 智联 海纳 益民".split()
INDUSTRY_NAMES = [
    (Industry.C, ["机械制造", "纺织", "食品", "电子科技", "新材料", "服装"]),
    (Industry.E, ["建筑工程", "建设"]),
    (Industry.F, ["商贸", "超市"]),
    (Industry.G, ["物流", "快递", "运输"]),
    (Industry.H, ["餐饮管理", "酒店"]),
    (Industry.I, ["网络科技", "软件"]),
    (Industry.O, ["家政服务", "物业服务"]),
    (Industry.Q, ["护理服务", "康复医院"]),
    (Industry.L, ["人力资源", "保安服务"]),
]


def _credit_code(rng: random.Random, division: str) -> str:
    body = (
        "91" + division + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    )
    return body + uscc.calc_check_digit(body)


def _org(parent, name, type, level, code, division="") -> Org:
    existing = Org.objects.filter(code=code).first()
    if existing is not None:
        return existing
    return org_create(
        actor=None,
        parent=parent,
        name=name,
        type=type,
        level=level,
        code=code,
        division_code=division,
    )


@transaction.atomic
def seed(*, seed: int) -> str:
    rng = random.Random(seed)
    city = _org(None, "长川市总工会", OrgType.FEDERATION, OrgLevel.CITY, CITY_CODE, CITY_CODE)
    county = _org(
        city, "青禾县总工会", OrgType.FEDERATION, OrgLevel.COUNTY, COUNTY_CODE, COUNTY_CODE
    )
    for i, industry in enumerate(["快递物流行业工会", "货运行业工会", "餐饮行业工会"], start=1):
        _org(
            county,
            f"青禾县{industry}",
            OrgType.INDUSTRY,
            OrgLevel.TOWNSHIP,
            f"{COUNTY_CODE}9{i:02d}",
        )
    created_enterprises = 0
    for t_index, (t_name, t_type) in enumerate(TOWNSHIPS, start=1):
        t_div = f"{COUNTY_CODE}{t_index:03d}"
        suffix = "工会" if t_type == OrgType.PARK else "总工会"
        township = _org(county, f"{t_name}{suffix}", t_type, OrgLevel.TOWNSHIP, t_div, t_div)
        words = rng.sample(VILLAGE_WORDS, 4)
        for v_index, word in enumerate(words, start=1):
            kind = "社区" if t_name.endswith("街道") else "村"
            _org(
                township,
                f"{t_name}{word}{kind}工会",
                OrgType.COMMUNITY,
                OrgLevel.GRASSROOTS,
                f"{t_div}{v_index:03d}",
                f"{t_div}{v_index:03d}",
            )
        joint = _org(
            township, f"{t_name}小微企业联合工会", OrgType.JOINT, OrgLevel.GRASSROOTS, f"{t_div}800"
        )
        for e_index in range(1, 19):
            code = f"{t_div}E{e_index:02d}"
            industry, trades = rng.choice(INDUSTRY_NAMES)
            name = f"青禾{rng.choice(BRAND_WORDS)}{rng.choice(trades)}有限公司"
            size = rng.choices(
                [
                    EnterpriseSize.LARGE,
                    EnterpriseSize.MEDIUM,
                    EnterpriseSize.SMALL,
                    EnterpriseSize.MICRO,
                ],
                weights=[1, 4, 10, 12],
            )[0]
            employees = {
                "large": (1000, 3000),
                "medium": (300, 999),
                "small": (20, 299),
                "micro": (3, 19),
            }[size]
            has_union = size in {"large", "medium"} or rng.random() < 0.45
            credit_code = _credit_code(rng, t_div[:6])
            phone = f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"
            kwargs = dict(
                industry=industry,
                size=size,
                employee_count=rng.randint(*employees),
                economic_type=rng.choice(
                    [EconomicType.PRIVATE] * 6 + [EconomicType.STATE, EconomicType.FOREIGN]
                ),
                address=f"青禾县{t_name}{rng.choice(VILLAGE_WORDS)}路{rng.randint(1, 300)}号",
                legal_representative=rng.choice("王李张刘陈杨黄赵周吴")
                + rng.choice("伟芳娜敏静丽强磊军洋"),
                contact_name=rng.choice("王李张刘陈杨黄赵周吴")
                + rng.choice("明华建国秀英红梅志刚"),
                contact_phone=phone,
                division_code=t_div,
            )
            if Enterprise.objects.filter(name=name, org__path__startswith=township.path).exists():
                continue
            if has_union and size in {"large", "medium", "small"}:
                union = _org(township, f"{name}工会", OrgType.ENTERPRISE, OrgLevel.GRASSROOTS, code)
                enterprise_create(
                    actor=None,
                    name=name,
                    credit_code=credit_code,
                    has_union=True,
                    union=union,
                    org=union,
                    **kwargs,
                )
            else:
                enterprise_create(
                    actor=None,
                    name=name,
                    credit_code=credit_code,
                    has_union=has_union,
                    union=None,
                    org=joint if has_union else township,
                    **kwargs,
                )
            created_enterprises += 1
    return f"{Org.objects.count()} orgs, {Enterprise.objects.count()} enterprises (+{created_enterprises})"
