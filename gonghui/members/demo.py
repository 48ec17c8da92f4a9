"""≥ 20,000 synthetic members across the demo county's grassroots unions (fast, idempotent).

Every name, ID number and phone is generated. ID numbers carry valid GB 11643 check digits
but fictional area codes (xx99xx: no such county exists), so none can be a real person's.
Bulk-created in batches: org_anchor is filled with `with_org_anchor` (bulk_create skips
save()); encryption happens in the field's get_prep_value; hashes and pinyin are computed
here once per row (pinyin cached per name).
"""

import datetime
import random

from django.db import transaction
from faker import Faker
from stdnum.cn import ric

from gonghui.core.crypto import keyed_hash
from gonghui.members.models import (
    Education,
    EmploymentForm,
    EventKind,
    HukouType,
    Member,
    MembershipEvent,
    MemberStatus,
    PoliticalStatus,
    SkillLevel,
)
from gonghui.members.services import card_numbers_issue, name_search_fields
from gonghui.orgs.models import Enterprise, Org, OrgLevel, OrgStatus, OrgType, with_org_anchor

COUNTY_CODE = "339901"
TARGET = 20_000
BATCH = 2_000
TODAY = datetime.date(2026, 6, 30)  # fixed so the data does not depend on the day it is seeded
LOCAL_AREAS = ["339901"]
# Fictional counties (xx99xx) in the provinces migrant workers commonly come from.
MIGRANT_AREAS = ["349901", "369901", "419901", "429901", "439901", "519901", "529901", "459901"]
ENTERPRISE_FORMS = [(EmploymentForm.STANDARD, 92), (EmploymentForm.SECURITY_GUARD, 3)] + [
    (EmploymentForm.TRUCK_DRIVER, 3),
    (EmploymentForm.COURIER, 2),
]
POOL_FORMS = [
    (EmploymentForm.STANDARD, 30),
    (EmploymentForm.FLEXIBLE, 12),
    (EmploymentForm.COURIER, 12),
    (EmploymentForm.FOOD_DELIVERY, 12),
    (EmploymentForm.TRUCK_DRIVER, 8),
    (EmploymentForm.RIDE_HAILING, 8),
    (EmploymentForm.DOMESTIC, 5),
    (EmploymentForm.CAREGIVER, 5),
    (EmploymentForm.SECURITY_GUARD, 4),
    (EmploymentForm.REALTY_AGENT, 2),
    (EmploymentForm.MALL_INFO, 2),
]
EDUCATION_WEIGHTS = [
    (Education.MASTER, 2),
    (Education.BACHELOR, 18),
    (Education.COLLEGE, 22),
    (Education.SECONDARY, 16),
    (Education.HIGH, 18),
    (Education.JUNIOR, 20),
    (Education.PRIMARY, 4),
]
SKILL_WEIGHTS = [
    (SkillLevel.NONE, 55),
    (SkillLevel.LEVEL5, 15),
    (SkillLevel.LEVEL4, 15),
    (SkillLevel.LEVEL3, 10),
    (SkillLevel.LEVEL2, 4),
    (SkillLevel.LEVEL1, 1),
]
POLITICAL_WEIGHTS = [
    (PoliticalStatus.MASSES, 70),
    (PoliticalStatus.CYL, 12),
    (PoliticalStatus.CPC, 15),
    (PoliticalStatus.CPC_PROBATIONARY, 1),
    (PoliticalStatus.DEMOCRATIC, 1),
    (PoliticalStatus.INDEPENDENT, 1),
]
HOME_PROVINCES = {
    "34": "安徽省",
    "36": "江西省",
    "41": "河南省",
    "42": "湖北省",
    "43": "湖南省",
    "45": "广西壮族自治区",
    "51": "四川省",
    "52": "贵州省",
}
DEACTIVATION_REASONS = ["调离本单位", "退休", "离职", "个人申请退会"]


def _pick(rng: random.Random, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _id_number(rng: random.Random, area: str, birth: datetime.date, male: bool, taken) -> str:
    while True:
        seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
        body = f"{area}{birth:%Y%m%d}{seq:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in taken:
            taken.add(number)
            return number


def _plan(seed: int) -> list[tuple[Org, list[Enterprise], list]]:
    """Grassroots unions with the employers their members work for and the forms mix."""
    county = Org.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return []
    unions = list(
        Org.objects.filter(
            path__startswith=county.path, level=OrgLevel.GRASSROOTS, status=OrgStatus.ACTIVE
        ).order_by("code")
    )
    enterprises = list(Enterprise.objects.filter(org__path__startswith=county.path).order_by("pk"))
    by_org: dict[int, list[Enterprise]] = {}
    for e in enterprises:
        by_org.setdefault(e.org_id, []).append(e)
    plan = []
    for union in unions:
        if union.type == OrgType.ENTERPRISE:
            plan.append((union, by_org.get(union.pk, []), ENTERPRISE_FORMS, 3))
        elif union.type == OrgType.JOINT:
            plan.append((union, by_org.get(union.pk, []), POOL_FORMS, 2))
        else:
            plan.append((union, [], POOL_FORMS, 1))
    return plan


def seed(*, seed: int) -> str:
    plan = _plan(seed)
    if not plan:
        return "no demo county; 0 members"
    county_path = Org.objects.get(code=COUNTY_CODE).path
    existing = Member.objects.filter(org__path__startswith=county_path).count()
    if existing >= TARGET:
        return f"{existing} members (+0)"
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    weights = [w for *_, w in plan]
    taken: set[str] = set()
    search_cache: dict[str, dict[str, str]] = {}
    rows: list[Member] = []
    for _ in range(TARGET):
        union, employers, forms, _w = rng.choices(plan, weights=weights)[0]
        male = rng.random() < 0.55
        name = fake.name_male() if male else fake.name_female()
        birth = TODAY - datetime.timedelta(days=rng.randint(18 * 365 + 5, 60 * 365))
        migrant_home = rng.random() < 0.3
        area = rng.choice(MIGRANT_AREAS if migrant_home else LOCAL_AREAS)
        id_number = _id_number(rng, area, birth, male, taken)
        rural = migrant_home or rng.random() < 0.35
        phone = (
            f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
            if rng.random() < 0.92
            else ""
        )
        adult = (
            birth.replace(year=birth.year + 18) if (birth.month, birth.day) != (2, 29) else birth
        )
        earliest = max(adult, datetime.date(2003, 1, 1))
        joined = earliest + datetime.timedelta(days=rng.randint(0, (TODAY - earliest).days))
        if name not in search_cache:
            search_cache[name] = name_search_fields(name)
        employer = rng.choice(employers) if employers else None
        form = _pick(rng, forms)
        rows.append(
            Member(
                org=union,
                name=name,
                **search_cache[name],
                gender="male" if male else "female",
                birth_date=birth,
                id_number=id_number,
                id_number_hash=keyed_hash(id_number),
                id_last4=id_number[-4:],
                phone=phone,
                phone_hash=keyed_hash(phone) if phone else "",
                phone_last4=phone[-4:],
                education=_pick(rng, EDUCATION_WEIGHTS),
                skill_level=_pick(rng, SKILL_WEIGHTS),
                hukou_type=HukouType.RURAL if rural else HukouType.URBAN,
                hukou_place=HOME_PROVINCES.get(area[:2], "本县"),
                political_status=_pick(rng, POLITICAL_WEIGHTS),
                employer=employer,
                is_migrant_worker=migrant_home or (rural and form != EmploymentForm.STANDARD),
                employment_form=form,
                joined_on=joined,
            )
        )
    with transaction.atomic():
        hashes = {m.id_number_hash for m in rows}
        present = (
            set(
                Member.objects.filter(id_number_hash__in=hashes).values_list(
                    "id_number_hash", flat=True
                )
            )
            if existing
            else set()
        )
        rows = [m for m in rows if m.id_number_hash not in present]
        cards = card_numbers_issue(COUNTY_CODE, len(rows))
        for member, card in zip(rows, cards, strict=True):
            member.card_number = card
            if rng.random() < 0.03:
                member.status = MemberStatus.DEACTIVATED
                member.deactivated_on = member.joined_on + datetime.timedelta(days=400)
                member.deactivated_on = min(member.deactivated_on, TODAY)
                member.deactivation_reason = rng.choice(DEACTIVATION_REASONS)
        with_org_anchor(rows)
        for start in range(0, len(rows), BATCH):
            batch = Member.objects.bulk_create(rows[start : start + BATCH])
            events = []
            for m in batch:
                joined_at = datetime.datetime.combine(m.joined_on, datetime.time(9), datetime.UTC)
                events.append(
                    MembershipEvent(
                        member=m,
                        kind=EventKind.JOINED,
                        org_id=m.org_id,
                        at=joined_at,
                        note=f"入会，发放会员卡号 {m.card_number}",
                    )
                )
                if m.status == MemberStatus.DEACTIVATED:
                    events.append(
                        MembershipEvent(
                            member=m,
                            kind=EventKind.DEACTIVATED,
                            org_id=m.org_id,
                            at=datetime.datetime.combine(
                                m.deactivated_on, datetime.time(9), datetime.UTC
                            ),
                            note=f"退会：{m.deactivation_reason}",
                        )
                    )
            MembershipEvent.objects.bulk_create(events, batch_size=BATCH)
    return f"{existing + len(rows)} members (+{len(rows)})"
