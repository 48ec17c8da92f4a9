"""Demo data of outreach (服务职工进基层): the three caravans of the issue's picture — skills
training, service and support, culture — with a season of stops in every state (done with a
summary, planned with open places, planned with a full quota and a waiting list, cancelled),
registrations in every state (confirmed, waitlisted, cancelled with the first one waiting
moved up) and their follow-ups in every state (pending, overdue, done, closed; every result,
and every final outcome: trained, employed, still looking, unreachable); and a retired caravan
of a custom kind.

Registrations are only taken before a stop ends, so past stops are seeded as the office would
have lived them: the stop is planned, workers register, and the stop and the registrations are
then moved back in time by the same number of days (follow-ups rescheduled from the moved
dates) before the follow-ups are recorded through the services.

Idempotent: nothing is added when the demo county already has caravans. Deterministic for a
seed. Every name and phone is generated (shared helpers for the other outreach seeders).
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from gonghui.orgs.models import Org
from gonghui.outreach.caravans import services as caravans
from gonghui.outreach.caravans.models import (
    Caravan,
    CaravanStatus,
    CaravanStop,
    OnSiteRegistration,
    RegistrationChannel,
    RegistrationStatus,
)
from gonghui.outreach.followups import services as followups
from gonghui.outreach.followups.models import FollowUp, FollowUpResult, FollowUpStatus

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "秀英",
    "桂兰",
    "建华",
    "志强",
    "海燕",
    "小红",
    "春梅",
    "国平",
    "丽娟",
    "文斌",
    "晓东",
    "玉芳",
]
WISHES = ["电工", "焊工", "厨师", "缝纫工", "仓库管理", "保洁", "物流配送", "电脑操作员"]
CARAVANS = [
    dict(
        name="技能提升大篷车",
        kind="skills",
        vehicle="依维柯实训车 浙G·D1801",
        equipment="电工实训台、焊接模拟器、电脑 12 台、中式烹调台、缝纫机 6 台",
        trades=["electrician", "welder", "computer", "cook", "sewing"],
        services=["job_aid", "training", "policy"],
    ),
    dict(
        name="服务保障大篷车",
        kind="service",
        vehicle="服务车 浙G·D1802",
        equipment="法律援助包、义诊设备、帮扶受理终端",
        trades=[],
        services=["job_aid", "legal_aid", "legal_pack", "health", "hardship", "joining"],
    ),
    dict(
        name="宣传文化大篷车",
        kind="culture",
        vehicle="流动舞台车 浙G·D1803",
        equipment="折叠舞台、音响、电影放映设备",
        trades=[],
        services=["show", "film", "policy"],
    ),
]
PLACES = ["工业园区广场", "社区文化礼堂", "建筑工地生活区", "物流园门口", "镇政府广场"]


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def phone(rng: random.Random) -> str:
    # 19x numbers in a reserved-looking block: synthetic, not real subscribers.
    return "1990000" + f"{rng.randrange(10000):04d}"


def _offers(kind: str, quota_scale: int) -> list[dict]:
    if kind == "skills":
        return [
            {"service": "job_aid", "quota": 6 * quota_scale},
            {"service": "training", "trade": "electrician", "quota": 4 * quota_scale},
            {"service": "training", "trade": "welder", "quota": 3 * quota_scale},
        ]
    if kind == "service":
        return [
            {"service": "job_aid", "quota": 5 * quota_scale},
            {"service": "legal_pack", "quota": 20},
            {"service": "legal_aid"},
        ]
    return [{"service": "show"}, {"service": "film"}]


def _stop(rng, caravan, org, days_from_now: int, quota_scale: int = 1) -> CaravanStop:
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    start = start + datetime.timedelta(days=days_from_now)
    return caravans.stop_create(
        actor=None,
        caravan=caravan,
        org=org,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
        place=f"{org.name}{rng.choice(PLACES)}",
        lng=119.72 + rng.uniform(-0.05, 0.05),
        lat=29.10 + rng.uniform(-0.05, 0.05),
        host_kind="community",
        host_name=f"{org.name}社区",
        offers=_offers(caravan.kind, quota_scale),
    )


def _register(rng, stop, offer, n: int) -> list[OnSiteRegistration]:
    out = []
    for _ in range(n):
        consent = rng.random() < 0.7
        out.append(
            caravans.registration_create(
                actor=None,
                stop=stop,
                offer=offer,
                channel=RegistrationChannel.PORTAL,
                name=person(rng),
                is_migrant_worker=rng.random() < 0.6,
                consent=consent,
                phone=phone(rng) if consent else "",
                wish_job=rng.choice(WISHES),
                wish_area=stop.org.name,
                skills=rng.choice(["", "有电工证", "会操作电脑", "做过服装加工"]),
            )
        )
    return out


def _move_back(stop: CaravanStop, days: int) -> None:
    """Move a stop and its registrations back by `days` and reschedule their follow-ups."""
    delta = datetime.timedelta(days=days)
    CaravanStop.objects.filter(pk=stop.pk).update(
        starts_at=stop.starts_at - delta, ends_at=stop.ends_at - delta
    )
    regs = list(OnSiteRegistration.objects.filter(stop=stop).select_related("stop", "offer"))
    for reg in regs:
        OnSiteRegistration.objects.filter(pk=reg.pk).update(registered_on=reg.registered_on - delta)
    FollowUp.objects.filter(registration__stop=stop).delete()
    for reg in OnSiteRegistration.objects.filter(
        stop=stop, status=RegistrationStatus.CONFIRMED
    ).select_related("stop", "offer", "org"):
        followups.followups_schedule(registration=reg)


def _follow(rng, stop: CaravanStop) -> None:
    """Record follow-ups on a past stop's registrations so every state shows."""
    today = timezone.localdate()
    regs = OnSiteRegistration.objects.filter(
        stop=stop, status=RegistrationStatus.CONFIRMED
    ).order_by("pk")
    # Each row is recorded as far as its follow-ups are due; the last of the three scheduled
    # ones ends the registration with its outcome (trained, unreachable, still looking).
    plan = [
        [FollowUpResult.EMPLOYED],
        [FollowUpResult.TRAINING_STARTED, FollowUpResult.EMPLOYED],
        [FollowUpResult.STILL_LOOKING],  # the next one left pending: overdue
        [
            FollowUpResult.TRAINING_STARTED,
            FollowUpResult.TRAINING_FINISHED,
            FollowUpResult.TRAINING_FINISHED,
        ],
        [FollowUpResult.UNREACHABLE] * 3,
        [FollowUpResult.STILL_LOOKING] * 3,
        [],  # left pending (overdue when its first date has passed)
    ]
    for index, reg in enumerate(regs):
        for result in plan[index % len(plan)]:
            followup = (
                FollowUp.objects.filter(registration=reg, status=FollowUpStatus.PENDING)
                .order_by("number")
                .first()
            )
            if followup is None or followup.due_on > today:
                break
            employed = result == FollowUpResult.EMPLOYED
            followups.followup_record(
                actor=None,
                followup=followup,
                done_on=followup.due_on,
                result=result,
                employer_name=f"{stop.org.name}{rng.choice(['机电', '服饰', '物流'])}有限公司"
                if employed
                else "",
                monthly_pay=rng.choice([4200, 4800, 5500]) if employed else None,
                note="电话回访。",
            )


@transaction.atomic
def seed_caravans(*, seed: int, county: Org, townships: list[Org]) -> str:
    if Caravan.objects.filter(org__path__startswith=county.path).exists():
        return "caravans present; nothing added"
    rng = random.Random(seed * 7919 + 18)
    made = [caravans.caravan_create(actor=None, org=county, **data) for data in CARAVANS]
    stops = 0
    for caravan in made:
        for number, days_back in enumerate((110, 40, 12)):
            org = townships[(number + made.index(caravan)) % len(townships)]
            stop = _stop(rng, caravan, org, days_from_now=1, quota_scale=2)
            for offer in stop.offers.all():
                if offer.quota:
                    _register(rng, stop, offer, min(offer.quota, 5))
            _move_back(stop, days_back + 1)
            stop.refresh_from_db()
            _follow(rng, stop)
            served = {str(o.pk): o.confirmed + 8 for o in stop.offers.all()}
            caravans.stop_summarise(
                actor=None,
                stop=stop,
                summary="站次顺利完成，现场登记求职意向并发放法律援助包。",
                served=served,
            )
            stops += 1
        # Planned stops: one with open places, one full with a waiting list; one cancelled.
        org = townships[made.index(caravan) % len(townships)]
        open_stop = _stop(rng, caravan, org, days_from_now=9)
        full_stop = _stop(rng, caravan, org, days_from_now=16)
        for offer in open_stop.offers.all():
            if offer.quota:
                _register(rng, open_stop, offer, 2)
        for offer in full_stop.offers.all():
            if offer.quota:
                _register(rng, full_stop, offer, offer.quota + 2)
        # A confirmed worker cancels: the first one waiting moves up.
        first = (
            OnSiteRegistration.objects.filter(stop=full_stop, status=RegistrationStatus.CONFIRMED)
            .order_by("pk")
            .first()
        )
        if first is not None:
            caravans.registration_cancel(
                actor=None, registration=first, reason="本人已找到工作，取消登记。"
            )
        cancelled = _stop(rng, caravan, org, days_from_now=20)
        caravans.stop_cancel(actor=None, stop=cancelled, reason="天气预报有大雨，改期举办。")
        stops += 3
    retired = caravans.caravan_create(
        actor=None,
        org=county,
        name="职工心理关爱车",
        kind="custom",
        kind_label="心理关爱",
        vehicle="面包车 浙G·D1799",
        equipment="心理测评终端、宣传展板",
        services=["policy", "health"],
    )
    caravans.caravan_set_status(actor=None, caravan=retired, status=CaravanStatus.RETIRED)
    registrations = OnSiteRegistration.objects.filter(stop__caravan__in=made).count()
    return f"{len(made) + 1} caravans, {stops} stops, {registrations} registrations"
