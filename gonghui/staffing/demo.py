"""Demo social workers for the fictional 青禾县: the county's rules and pay table, posts at
the townships (two vacant), ~14 workers (one left, one contract ending soon, one flagged for
review after two 不称职), training hours above and below the minimum, appraisals of every
state (last year's and this year's finished quarters published, the current quarter being
rated, with named and anonymous ratings), objections answered and waiting.

The worker 冯社工 is the `social_worker` demo account: it opens 我的考核.
Idempotent: nothing is added once the county has its rules. Synthetic people only.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.orgs.models import Org
from gonghui.staffing.appraisals import services as appraisals_services
from gonghui.staffing.models import (
    Appraisal,
    AppraisalKind,
    AppraisalStatus,
    SocialWorker,
    StaffingScheme,
)
from gonghui.staffing.pay import services as pay_services
from gonghui.staffing.people import services as people_services

COUNTY_CODE = "339901"
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜"
GIVEN = "晓 雨 欣 子 思 佳 文 嘉 梓 一 宇 浩 婷 静 丽 强 磊 洋 勇 军 杰 涛 明 超".split()
AGENCIES = ["青禾县社会工作服务中心", "青禾县众和人力资源有限公司", "青禾县益邻社会工作事务所"]
# Quarterly targets (a year's are four times these), sized to the demo's join figures. The
# staffing demo is seeded before the assistance, rights and outreach demos, so only the
# members' measures count anything here: no visit or follow-up line (it would count 0 and only
# lower every score), one legal-aid line to show a measure with nothing done.
TARGETS = [
    {"measure": "members.joined", "target": 30, "weight": 72},
    {"measure": "members.joins_reviewed", "target": 1, "weight": 17},
    {"measure": "rights.legal_aid.accepted", "target": 3, "weight": 11},
]
# The demo members joined up to mid-2026: last year is appraised yearly, this year's first
# two quarters are published and the third is being rated.
DEMO_YEAR = 2026


def _name(rng) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


@transaction.atomic
def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE).first()
    if county is None:
        return "skipped: the demo county is missing"
    if StaffingScheme.objects.filter(org=county).exists():
        return f"{SocialWorker.objects.filter(org__path__startswith=county.path).count()} social workers (+0)"
    rng = random.Random(seed)
    today = timezone.localdate()
    pay_services.scheme_save(
        actor=None,
        county=county,
        computed_share=40,
        rater_weights={"chair": 40, "deputy": 20, "supervisor": 10, "workers": 30},
        targets=TARGETS,
        cutoff_excellent=85,
        cutoff_competent=72,
        cutoff_basic=60,
        bonus={"excellent": 600, "competent": 300, "basic": 0, "unfit": 0},
        training_min_hours=40,
        objection_days=7,
        promotion_years=2,
        promotion_needs_certificate=True,
        promotion_results=1,
    )
    for grade in (1, 2, 3):
        for band in (1, 2, 3):
            pay_services.pay_grade_set(
                actor=None,
                county=county,
                grade=grade,
                band=band,
                monthly_pay=3800 + (grade - 1) * 600 + (band - 1) * 200,
            )
    townships = list(
        Org.objects.filter(parent=county, code__regex=rf"^{COUNTY_CODE}\d{{3}}$").order_by("code")
    )
    posts = [
        people_services.post_create(actor=None, org=org, name=f"{org.name}社工岗")
        for org in townships
    ]
    posts += [
        people_services.post_create(actor=None, org=county, name="县总工会社工岗(一)"),
        people_services.post_create(actor=None, org=county, name="县总工会社工岗(二)"),
    ]
    sw_user = User.objects.filter(username="social_worker").first()
    workers = []
    for index, post in enumerate(
        posts[:-3]
    ):  # the last township post and one county post stay vacant
        linked = sw_user if index == 0 and sw_user and sw_user.org_id == post.org_id else None
        hired = dt.date(today.year - rng.randint(1, 7), rng.randint(1, 12), 1)
        contract_start = dt.date(today.year - 1, hired.month, 1)
        contract_end = contract_start + dt.timedelta(days=3 * 365)
        if index == 3:  # a contract ending within the reminder window
            contract_end = today + dt.timedelta(days=rng.randint(10, 50))
        grade, band = (1 + index % 3, 1 + (index // 3) % 3)
        source = ("shared", "county", "township")[index % 3 if index % 5 else 0]
        share = {"shared": rng.choice([50, 60, 70]), "county": 100, "township": 0}[source]
        workers.append(
            people_services.worker_create(
                actor=None,
                org=post.org,
                user=linked,
                post=post,
                name=linked.full_name if linked else _name(rng),
                phone=f"139{rng.randint(0, 99_999_999):08d}",
                education=rng.choice(["college", "bachelor", "bachelor", "master"]),
                certificates=rng.choice([[], ["assistant"], ["social_worker"], ["assistant"]]),
                agency=rng.choice(AGENCIES),
                hired_on=hired,
                contract_start=contract_start,
                contract_end=contract_end,
                funding_source=source,
                county_share=share,
                grade=grade,
                band=band,
                band_since=dt.date(today.year - rng.randint(1, 4), 1, 1),
            )
        )
    for worker in workers:
        for _n in range(rng.randint(2, 6)):
            people_services.training_add(
                actor=None,
                worker=worker,
                course=rng.choice(
                    [
                        "工会法与劳动法实务",
                        "困难职工帮扶工作",
                        "新就业形态劳动者入会",
                        "社会工作方法",
                        "心理疏导技能",
                    ]
                ),
                day=today - dt.timedelta(days=rng.randint(1, 300)),
                hours=rng.choice([4, 6, 8, 12]),
            )
    _appraisals(rng, county, workers, today)
    # One worker leaves (their post becomes vacant again).
    leaver = workers[-1]
    people_services.worker_update(actor=None, worker=leaver, post=None, status="left")
    return f"{len(workers)} social workers (+{len(workers)}), {len(posts)} posts"


def _raters(county):
    return {
        "chair": User.objects.filter(username="county_admin").first(),
        "supervisor": User.objects.filter(username="county_staff").first(),
        "deputy": User.objects.filter(username="township_staff").first(),
    }


def _rate(rng, appraisal, raters, level: int, anonymous: int) -> None:
    """Named and anonymous ratings around `level` (0 poor … 3 excellent)."""
    base = (45, 62, 84, 95)[level]
    for group, user in raters.items():
        if user is None:
            continue
        if group == "deputy" and not appraisal.org.path.startswith(user.org.path):
            continue  # the demo deputy chairs one township only
        score = max(0, min(100, base + rng.randint(-4, 4)))
        appraisals_services.rating_submit(
            actor=None if user is None else user, appraisal=appraisal, group=group, score=score
        )
    tokens = appraisals_services.invites_issue(actor=None, appraisal=appraisal, count=anonymous + 2)
    for token in tokens[:anonymous]:
        appraisals_services.rating_submit_anonymous(
            token=token, score=max(0, min(100, base + rng.randint(-8, 6)))
        )


def _appraisals(rng, county, workers, today) -> None:
    raters = _raters(county)
    active = workers[:-1]
    yearly = appraisals_services.appraisals_open(
        actor=None, workers=workers, kind=AppraisalKind.YEAR, year=DEMO_YEAR - 1
    )
    for index, appraisal in enumerate(yearly):
        _rate(rng, appraisal, raters, level=(3, 2, 2, 1)[index % 4], anonymous=3 + index % 4)
        appraisals_services.appraisal_publish(
            actor=None, appraisal=appraisal, today=dt.date(DEMO_YEAR, 1, 15)
        )
    flagged = active[2]
    for quarter in (1, 2):
        opened = appraisals_services.appraisals_open(
            actor=None, workers=active, kind=AppraisalKind.QUARTER, year=DEMO_YEAR, quarter=quarter
        )
        for index, appraisal in enumerate(opened):
            level = (
                0 if appraisal.worker_id == flagged.pk else (3, 2, 2, 1, 2)[(index + quarter) % 5]
            )
            _rate(rng, appraisal, raters, level=level, anonymous=3 + (index + quarter) % 3)
            appraisals_services.appraisal_publish(
                actor=None, appraisal=appraisal, today=appraisal.period_end + dt.timedelta(days=12)
            )
    # The third quarter: being rated.
    opened = appraisals_services.appraisals_open(
        actor=None, workers=active, kind=AppraisalKind.QUARTER, year=DEMO_YEAR, quarter=3
    )
    for index, appraisal in enumerate(opened[: len(opened) // 2]):
        _rate(rng, appraisal, raters, level=(2, 3, 1)[index % 3], anonymous=index % 4)
    _objections(today, active[0])


def _objections(today, worker) -> None:
    """The linked worker objected to two published quarters: one answered, one waiting."""
    if worker.user_id is None:
        return
    published = list(
        Appraisal.objects.filter(
            worker=worker, kind=AppraisalKind.QUARTER, status=AppraisalStatus.PUBLISHED
        ).order_by("period_end")
    )
    answerer = User.objects.filter(username="county_staff").first()
    for index, appraisal in enumerate(published[-2:]):
        appraisals_services.objection_submit(
            actor=worker.user,
            appraisal=appraisal,
            text=(
                "本季度走访困难职工 6 户，其中 2 户记录在县总工会名下，请核实计入。",
                "入会审核数量统计有遗漏，请复核。",
            )[index],
            today=appraisal.objection_until,
        )
        if index == 0 and answerer is not None:
            appraisals_services.objection_answer(
                actor=None if answerer is None else answerer,
                appraisal=appraisal,
                answer="经核实，两户走访由县总工会组织，按规则不计入本人实绩，维持原考核结果。",
            )
