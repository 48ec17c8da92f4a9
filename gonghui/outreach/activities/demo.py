"""Demo activities: one of each kind around the demo county — held ones with a head count or a
names list (checked in by staff and by QR on the portal), the culture caravan's film at one of
its past stops, planned ones (one with QR check-in open) and a cancelled show. Idempotent:
nothing is added when the county already has activities."""

import datetime
import random

from django.db import transaction
from django.utils import timezone

from gonghui.orgs.models import Org
from gonghui.outreach.activities import services
from gonghui.outreach.activities.models import Activity, ActivityKind, AttendanceMode
from gonghui.outreach.caravans.demo import person
from gonghui.outreach.caravans.models import CaravanStop, StopStatus

UNITS = ["机电有限公司", "服饰有限公司", "物流有限公司", "建筑工程公司", "食品有限公司"]

# (kind, title, days from now, attendance mode, attendance or names, audience)
PLAN = [
    (ActivityKind.LECTURE, "职工大讲堂：新就业形态劳动者权益保障", -45, "count", 126, "企业职工"),
    (
        ActivityKind.POLICY_TO_ENTERPRISE,
        "送政策进企业：稳岗返还和技能补贴",
        -20,
        "names",
        8,
        "企业负责人、职工代表",
    ),
    (
        ActivityKind.MODELS_TO_SCHOOL,
        "劳模工匠进校园：焊接工匠讲成长",
        -30,
        "count",
        230,
        "职业学校学生",
    ),
    (
        ActivityKind.LAW_PREACHING,
        "尊法守法公益宣讲：劳动合同法",
        -12,
        "count",
        64,
        "建筑工地农民工",
    ),
    (ActivityKind.PREACHING, "党的创新理论宣讲进车间", -6, "count", 48, "一线职工"),
    (ActivityKind.THEME_EDUCATION, "主题教育：劳动精神 工匠精神", 7, "names", 0, "基层工会干部"),
    (ActivityKind.OTHER, "职工心理健康讲座", 14, "count", 0, "女职工"),
]


@transaction.atomic
def seed_activities(*, seed: int, county: Org, townships: list[Org]) -> str:
    if Activity.objects.filter(org__path__startswith=county.path).exists():
        return "activities present; nothing added"
    rng = random.Random(seed * 7919 + 181)
    now = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    made = []
    for index, (kind, title, days, mode, people, audience) in enumerate(PLAN):
        org = townships[index % len(townships)]
        activity = services.activity_create(
            actor=None,
            org=org,
            kind=kind,
            title=title,
            organiser=org.name,
            starts_at=now + datetime.timedelta(days=days),
            place=f"{org.name}职工服务中心",
            audience=audience,
            attendance_mode=mode,
        )
        made.append(activity)
        if mode == AttendanceMode.NAMES:
            services.activity_checkin_set(actor=None, activity=activity, open_=True)
        if days > 0:
            continue
        if mode == AttendanceMode.NAMES:
            for n in range(people):
                name, unit = person(rng), rng.choice(UNITS)
                if n % 2:  # scanned the QR code at the door
                    services.checkin_public(token=activity.checkin_token, name=name, unit=unit)
                else:
                    services.attendee_add(actor=None, activity=activity, name=name, unit=unit)
            services.activity_checkin_set(actor=None, activity=activity, open_=False)
            # Checked in as the activity began (the rows were written just now).
            activity.attendees.update(checked_in_at=activity.starts_at)
        services.activity_record(
            actor=None,
            activity=activity,
            attendance=people if mode == AttendanceMode.COUNT else None,
            summary=f"{title}顺利举办，现场气氛热烈，发放宣传资料 {people + 20} 份。",
        )
    # The culture caravan's film and stage shows: one held at a past stop, one cancelled.
    stop = (
        CaravanStop.objects.filter(
            caravan__kind="culture", status=StopStatus.DONE, org__path__startswith=county.path
        )
        .order_by("starts_at")
        .first()
    )
    if stop is not None:
        film = services.activity_create(
            actor=None,
            org=stop.org,
            kind=ActivityKind.FILM,
            title="送电影进工地：《我和我的家乡》",
            organiser="县总工会",
            starts_at=stop.starts_at,
            place=stop.place,
            audience="建筑工地农民工及家属",
            stop=stop,
        )
        services.activity_record(
            actor=None, activity=film, attendance=180, summary="宣传文化大篷车露天放映。"
        )
        made.append(film)
    show = services.activity_create(
        actor=None,
        org=county,
        kind=ActivityKind.STAGE,
        title="文艺演出进园区",
        organiser="县总工会",
        starts_at=now + datetime.timedelta(days=10),
        place="工业园区广场",
        audience="园区职工",
    )
    services.activity_cancel(actor=None, activity=show, reason="场地施工，改期举办。")
    made.append(show)
    return f"{len(made)} activities"
