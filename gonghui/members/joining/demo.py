"""A few online joining applications in the demo county: pending, approved and rejected.

Deterministic (fixed names and numbers derived from the seed) and idempotent: an application
whose ID number is already on file is skipped. ID numbers use a fictional area code (359901:
no such county exists) that the member seeder does not use, so none clashes with a member.
"""

import datetime
import random

from django.db import transaction
from stdnum.cn import ric

from gonghui.core.crypto import keyed_hash
from gonghui.members.demo import COUNTY_CODE
from gonghui.members.joining import services as joining
from gonghui.members.models import EmploymentForm, JoinApplication, JoinPath, JoinStatus
from gonghui.orgs.models import Org

AREA = "359901"
PLAN = [
    # (name, employment form, path, outcome)
    ("陈晓峰", EmploymentForm.FOOD_DELIVERY, JoinPath.HOLDING_POOL, JoinStatus.PENDING),
    ("林美华", EmploymentForm.DOMESTIC, JoinPath.HOLDING_POOL, JoinStatus.PENDING),
    ("黄志强", EmploymentForm.TRUCK_DRIVER, JoinPath.HOLDING_POOL, JoinStatus.PENDING),
    ("吴丽娟", EmploymentForm.STANDARD, JoinPath.EMPLOYER_UNION, JoinStatus.PENDING),
    ("郑国栋", EmploymentForm.COURIER, JoinPath.EMPLOYER_UNION, JoinStatus.PENDING),
    ("周雪梅", EmploymentForm.CAREGIVER, JoinPath.HOLDING_POOL, JoinStatus.APPROVED),
    ("刘建军", EmploymentForm.STANDARD, JoinPath.EMPLOYER_UNION, JoinStatus.APPROVED),
    ("许文静", EmploymentForm.RIDE_HAILING, JoinPath.HOLDING_POOL, JoinStatus.REJECTED),
    ("何永红", EmploymentForm.SECURITY_GUARD, JoinPath.EMPLOYER_UNION, JoinStatus.REJECTED),
]
REJECT_REASONS = ["请补充劳动合同或工作证明后重新申请。", "所选单位工会核实非本单位职工。"]


def _id_number(rng: random.Random, male: bool) -> str:
    birth = datetime.date(1975, 1, 1) + datetime.timedelta(days=rng.randint(0, 25 * 365))
    seq = rng.randint(0, 499) * 2 + (1 if male else 0)
    body = f"{AREA}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


@transaction.atomic
def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return "no demo county; 0 applications"
    pools = list(joining.holding_pool_orgs().filter(path__startswith=county.path)[:5])
    employers = list(
        joining.employers_with_union()
        .filter(org__path__startswith=county.path)
        .select_related("union", "org")
        .order_by("id")[:5]
    )
    rng = random.Random(seed)
    created = 0
    for i, (name, form, path, outcome) in enumerate(PLAN):
        male = name[-1] not in "华娟梅静红"
        number = _id_number(rng, male)
        phone = f"139{seed % 100:02d}{i:02d}{rng.randint(0, 9999):04d}"
        if JoinApplication.objects.filter(id_number_hash=keyed_hash(number)).exists():
            continue
        if path == JoinPath.EMPLOYER_UNION and not employers:
            path = JoinPath.HOLDING_POOL
        if path == JoinPath.HOLDING_POOL and not pools:
            continue
        kwargs = (
            {"employer_id": employers[i % len(employers)].pk}
            if path == JoinPath.EMPLOYER_UNION
            else {"pool_org_id": pools[i % len(pools)].pk}
        )
        app = joining.application_submit(
            name=name,
            id_number=number,
            phone=phone,
            employment_form=form,
            path=path,
            ip=None,
            **kwargs,
        )
        if outcome == JoinStatus.APPROVED:
            joining.application_approve(actor=None, application=app)
        elif outcome == JoinStatus.REJECTED:
            reason = REJECT_REASONS[i % len(REJECT_REASONS)]
            joining.application_reject(actor=None, application=app, reason=reason)
        created += 1
    total = JoinApplication.objects.filter(org__path__startswith=county.path).count()
    return f"{total} join applications (+{created})"
