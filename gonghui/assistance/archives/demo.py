"""≥ 300 synthetic hardship archives in every lifecycle status and category (fast, idempotent).

Standards for 2024–2026 (synthetic 低保 figures 820 / 880 / 950 yuan a month) and one
thresholds row are set through the services. Archives are bulk-created with their
assessments (calculated by category.py with the figures in force on each date), trail steps,
reviews, household members and a small synthetic authorisation file where a home visit is on
record. About a third of the workers are demo members (linked); the others get ID numbers
with the fictional county code 339901-style areas (xx99xx), like the member demo.
Dates are fixed relative to 2026-06-30 so the data does not depend on the day it is seeded.
"""

import datetime
import random
from decimal import ROUND_CEILING, Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from faker import Faker
from stdnum.cn import ric

from gonghui.assistance.archives import services
from gonghui.assistance.archives.lifecycle import add_months, add_years
from gonghui.assistance.category import Basis, CategoryResult, HouseholdFigures, category_compute
from gonghui.assistance.choices import (
    ACCIDENTAL_CAUSES,
    ArchiveStatus,
    AssessmentSource,
    AttachmentKind,
    DisabilityLevel,
    HardshipCause,
    HealthStatus,
    Housing,
    Relation,
    ReviewKind,
    ReviewOutcome,
    SchoolStage,
    StepAction,
    WorkStatus,
)
from gonghui.assistance.models import (
    ArchiveAssessment,
    ArchiveAttachment,
    ArchiveReview,
    ArchiveStep,
    AssistanceThresholds,
    HardshipArchive,
    HouseholdMember,
    LivingAllowanceStandard,
)
from gonghui.assistance.standards.selectors import basis_of
from gonghui.assistance.standards.services import standard_set, thresholds_set
from gonghui.core.crypto import keyed_hash
from gonghui.members.models import HukouType, Member, MemberStatus
from gonghui.orgs.models import Org, OrgLevel, OrgStatus, with_org_anchor

COUNTY_CODE = "339901"
TODAY = datetime.date(2026, 6, 30)
STANDARDS = [
    (2024, Decimal("820"), datetime.date(2024, 1, 1)),
    (2025, Decimal("880"), datetime.date(2025, 1, 1)),
    (2026, Decimal("950"), datetime.date(2026, 1, 1)),
]
# How many archives end in each status (sums to 320).
PLAN = [
    (ArchiveStatus.APPLIED, 30),
    (ArchiveStatus.GRASSROOTS_CHECKED, 25),
    (ArchiveStatus.VISITED, 25),
    (ArchiveStatus.APPROVED, 20),
    (ArchiveStatus.ARCHIVED, 160),
    (ArchiveStatus.EXITED, 20),
    (ArchiveStatus.WATCHED, 25),
    (ArchiveStatus.REJECTED, 15),
]
AUTH_PDF = b"%PDF-1.4\n% synthetic demo authorisation (not a real document)\n%%EOF\n"
SCHOOLS = ["青禾县实验小学", "青禾县第一中学", "青禾县职业中专", "长川职业技术学院", "长川大学"]
HEALTH_NOTES = ["高血压", "糖尿病", "腰椎间盘突出", "术后康复", "慢性肾病"]
EXIT_REASONS = ["家庭成员稳定就业，收入明显增加", "大病治愈，医疗支出下降", "子女毕业就业"]
REJECT_REASONS = ["经核实家庭收入高于标准", "申请材料不实", "已享受其他同等救助"]


def _standards(county: Org) -> dict:
    if not LivingAllowanceStandard.objects.filter(org=county).exists():
        for year, amount, start in STANDARDS:
            standard_set(
                actor=None,
                county=county,
                year=year,
                monthly_amount=amount,
                effective_from=start,
                note="演示数据(虚构标准)",
            )
    if not AssistanceThresholds.objects.filter(org=county).exists():
        thresholds_set(
            actor=None, county=county, effective_from=datetime.date(2024, 1, 1), note="演示数据"
        )
    return {
        "standards": list(
            LivingAllowanceStandard.objects.filter(org=county).order_by("effective_from", "id")
        ),
        "thresholds": AssistanceThresholds.objects.filter(org=county).order_by("-id").first(),
    }


def _in_force(standards, day):
    found = standards[0]
    for row in standards:
        if row.effective_from <= day:
            found = row
    return found


def _id_number(rng, birth: datetime.date, male: bool, taken: set) -> str:
    while True:
        area = rng.choice(["339901", "349901", "419901", "519901"])
        seq = rng.randrange(500, 1000) // 2 * 2 + (1 if male else 0)  # ≥ 500: apart from members
        body = f"{area}{birth:%Y%m%d}{seq % 1000:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in taken:
            taken.add(number)
            return number


def _figures(rng, size: int, monthly: Decimal, target: str) -> dict:
    """Household figures landing in `target` (deep/relative/accidental/none) for a standard."""
    medical = Decimal(rng.choice([0, 0, 1200, 3600, 8000]))
    schooling = Decimal(rng.choice([0, 0, 2400, 6000]))
    disability = Decimal(rng.choice([0, 0, 0, 1800]))
    spent = medical + schooling + disability
    factor = {
        "deep": rng.uniform(0.35, 0.95),
        "relative": rng.uniform(1.05, 1.9),
        "accidental": rng.uniform(2.2, 3.0),
        "none": rng.uniform(2.3, 4.0),
    }[target]
    net = monthly * Decimal(str(round(factor, 3))) * 12 * size
    income = (net + spent).quantize(Decimal("1"))
    return {
        "household_size": size,
        "annual_income": income,
        "medical_expense": medical,
        "schooling_expense": schooling,
        "disability_expense": disability,
    }


def _near_line(size: int, standard, archive) -> dict:
    """Figures 2 %–15 % above the entry line (2 × 低保), no essential costs, from the ID number."""
    factor = Decimal("2.04") + Decimal("0.05") * (int(archive.id_number[-4:-1]) % 6)
    income = (standard.monthly_amount * factor * 12 * size).to_integral_value(ROUND_CEILING)
    return {
        "household_size": size,
        "annual_income": income,
        "medical_expense": Decimal(0),
        "schooling_expense": Decimal(0),
        "disability_expense": Decimal(0),
    }


def _causes(rng, target: str) -> list[str]:
    if target == "accidental":
        main = rng.choice([HardshipCause.NATURAL_DISASTER, HardshipCause.ACCIDENT])
    else:
        main = rng.choice(
            [
                HardshipCause.SERIOUS_ILLNESS,
                HardshipCause.SERIOUS_ILLNESS,
                HardshipCause.LOST_WORK_ABILITY,
                HardshipCause.UNEMPLOYED,
                HardshipCause.LAID_OFF,
                HardshipCause.CHILD_SCHOOLING,
                HardshipCause.NO_SOCIAL_INSURANCE,
                HardshipCause.INSURANCE_UNPAID,
                HardshipCause.OTHER,
            ]
        )
    others = [
        c for c in HardshipCause.values if c != main and c not in ("natural_disaster", "accident")
    ]
    return [main, *rng.sample(others, rng.randint(0, 3))]


def _assessment(archive, figures: dict, causes, day, source, standards, thresholds, county):
    standard = _in_force(standards, day)
    basis: Basis = basis_of(county, standard, thresholds)
    result: CategoryResult = category_compute(
        HouseholdFigures(causes=tuple(causes), **figures), basis
    )
    row = ArchiveAssessment(
        archive=archive,
        assessed_on=day,
        source=source,
        causes=list(causes),
        standard=standard,
        thresholds=thresholds,
        per_capita_monthly_net=result.per_capita_monthly_net,
        category=result.category,
        meets_entry_test=result.meets_entry_test,
        explanation=result.explanation,
        **figures,
    )
    return row, result


def seed(*, seed: int) -> str:
    county = Org.objects.filter(code=COUNTY_CODE, level=OrgLevel.COUNTY).first()
    if county is None:
        return "no demo county; 0 archives"
    config = _standards(county)
    existing = HardshipArchive.objects.filter(org__path__startswith=county.path).count()
    target = sum(n for _s, n in PLAN)
    if existing >= target:
        relapsed = _relapse_some(county)  # adds nothing once done
        return f"{existing} archives (+0)" + (f", {relapsed} relapsed" if relapsed else "")
    rng = random.Random(seed + 4)
    fake = Faker("zh_CN")
    fake.seed_instance(seed + 4)
    unions = list(
        Org.objects.filter(
            path__startswith=county.path, level__gte=OrgLevel.GRASSROOTS, status=OrgStatus.ACTIVE
        ).order_by("code")
    )
    members = list(
        Member.objects.filter(org__path__startswith=county.path, status=MemberStatus.ACTIVE)
        .select_related("employer")
        .order_by("id")[: target * 3]
    )
    rng.shuffle(members)
    taken: set[str] = set()
    with transaction.atomic():
        built = _build(rng, fake, unions, members[: target // 3], taken, config, county)
    relapsed = _relapse_some(county)
    return f"{existing + built} archives (+{built}), standards 2024–2026, {relapsed} relapsed"


# 返困: a few exited or watched households meet the entry test again (through the service).
RELAPSES = [(ArchiveStatus.EXITED, 2), (ArchiveStatus.WATCHED, 3)]
RELAPSE_ON = TODAY - datetime.timedelta(days=10)
RELAPSE_NOTES = ["家庭主要劳动力再次失业", "家庭成员突发重病", "子女入学支出增加"]


def _relapse_some(county: Org) -> int:
    in_county = HardshipArchive.objects.filter(org__path__startswith=county.path)
    if in_county.filter(relapse_count__gt=0).exists():
        return 0
    relapsed = 0
    for status, count in RELAPSES:
        candidates = in_county.filter(
            status=status, exited_on__lte=RELAPSE_ON - datetime.timedelta(days=20)
        ).order_by("archive_number", "id")[:count]
        for archive in candidates:
            services.archive_relapse(
                actor=None,
                archive=archive,
                on=RELAPSE_ON,
                note=RELAPSE_NOTES[relapsed % len(RELAPSE_NOTES)],
                # 400 yuan a person a month: below the 低保 standard again
                annual_income=Decimal(400 * 12 * archive.household_size),
            )
            relapsed += 1
    return relapsed


def _build(rng, fake, unions, members, taken, config, county) -> int:
    standards, thresholds = config["standards"], config["thresholds"]
    plans = [status for status, n in PLAN for _ in range(n)]
    rng.shuffle(plans)
    archives, extras = [], []
    member_iter = iter(members)
    for i, status in enumerate(plans):
        member = next(member_iter, None) if i % 3 == 0 else None
        male = member.gender == "male" if member else rng.random() < 0.55
        birth = (
            member.birth_date
            if member
            else TODAY - datetime.timedelta(days=rng.randint(25 * 365, 58 * 365))
        )
        id_number = member.id_number if member else _id_number(rng, birth, male, taken)
        fake_name = fake.name_male() if male else fake.name_female()  # keeps the stream stable
        name = member.name if member else fake_name
        poor_target = rng.choices(["deep", "relative", "accidental"], weights=[45, 40, 15])[0]
        if status in (ArchiveStatus.EXITED, ArchiveStatus.WATCHED):
            poor_target = rng.choice(["deep", "relative"])  # recovered: no disaster cause left
        size = rng.choice([1, 2, 3, 3, 4, 4, 5])
        # the story in dates
        if status in (ArchiveStatus.EXITED, ArchiveStatus.WATCHED):
            applied = datetime.date(2024, 1, 15) + datetime.timedelta(days=rng.randint(0, 150))
        elif status == ArchiveStatus.ARCHIVED:
            applied = datetime.date(2024, 2, 1) + datetime.timedelta(days=rng.randint(0, 700))
        else:
            applied = TODAY - datetime.timedelta(days=rng.randint(10, 120))
        causes = _causes(rng, poor_target)
        migrant = member.is_migrant_worker if member else rng.random() < 0.3
        phone = f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}"
        account = f"6222{rng.randint(0, 10**15 - 1):015d}"
        archive = HardshipArchive(
            org=member.org if member else rng.choice(unions),
            name=name,
            id_number=id_number,
            id_number_hash=keyed_hash(id_number),
            id_last4=id_number[-4:],
            gender="male" if male else "female",
            birth_date=birth,
            phone=phone,
            phone_hash=keyed_hash(phone),
            member=member,
            employer_name=member.employer.name if member and member.employer else "",
            health_status=rng.choice(HealthStatus.values),
            disability_level=rng.choices(DisabilityLevel.values, weights=[80, 3, 5, 6, 6])[0],
            work_status=rng.choice(WorkStatus.values),
            housing=rng.choice(Housing.values),
            hukou_type=HukouType.RURAL if migrant or rng.random() < 0.3 else HukouType.URBAN,
            is_migrant_worker=migrant,
            is_single_parent=rng.random() < 0.12,
            is_zero_employment=rng.random() < 0.08,
            main_cause=causes[0],
            bank_name=rng.choice(["中国农业银行青禾支行", "青禾农商银行", "中国工商银行青禾支行"]),
            bank_account=account,
            bank_account_last4=account[-4:],
            status=status,
            applied_on=applied,
        )
        archive.health_detail = (
            rng.choice(HEALTH_NOTES) if archive.health_status != HealthStatus.HEALTHY else ""
        )
        for slot, cause in zip((1, 2, 3), causes[1:], strict=False):
            setattr(archive, f"secondary_cause_{slot}", cause)
        poor = _figures(rng, size, _in_force(standards, applied).monthly_amount, poor_target)
        extras.append((archive, status, poor, causes))
        archives.append(archive)
    with_org_anchor(archives)
    # figures and category are filled below, before insert
    rows_assessments, rows_steps, rows_reviews, rows_household, rows_files = [], [], [], [], []
    for archive, status, poor, causes in extras:
        _story(archive, status, poor, causes, standards, thresholds, county, rng)
    HardshipArchive.objects.bulk_create(archives, batch_size=500)
    for archive in archives:
        for kind, payload in archive._demo_rows:
            payload.archive = archive
            {
                "assessment": rows_assessments,
                "step": rows_steps,
                "review": rows_reviews,
                "file": rows_files,
            }[kind].append(payload)
        for n in range(min(archive.household_size - 1, 3)):
            child = n > 0 or rng.random() < 0.3
            stage = rng.choice(SchoolStage.values[1:]) if child else SchoolStage.NONE
            rows_household.append(
                HouseholdMember(
                    archive=archive,
                    relation=Relation.CHILD if child else Relation.SPOUSE,
                    name=fake.name(),
                    health_status=rng.choice(HealthStatus.values),
                    monthly_income=Decimal(0 if child else rng.choice([0, 800, 1500, 2200])),
                    school_stage=stage,
                    school_or_employer=rng.choice(SCHOOLS) if stage != SchoolStage.NONE else "",
                )
            )
    for row in rows_files:
        row.file.save(row.stored_name, ContentFile(AUTH_PDF), save=False)
    ArchiveAttachment.objects.bulk_create(rows_files, batch_size=500)
    by_archive = {a.archive_id: a for a in rows_files}
    for step in rows_steps:
        if step.action == StepAction.VISIT:
            step.data = {**step.data, "authorisation": by_archive[step.archive.pk].pk}
    ArchiveAssessment.objects.bulk_create(rows_assessments, batch_size=1000)
    for review in rows_reviews:
        review.assessment = review._assessment
    ArchiveReview.objects.bulk_create(rows_reviews, batch_size=1000)
    for step in rows_steps:
        if step.action == StepAction.REVIEW:
            step.data = {**step.data, "review": step._review.pk}
    ArchiveStep.objects.bulk_create(rows_steps, batch_size=1000)
    HouseholdMember.objects.bulk_create(rows_household, batch_size=1000)
    numbered = [a for a in archives if a.archived_on]
    for archive in numbered:
        archive.archive_number = f"{COUNTY_CODE}{archive.archived_on.year}{archive.pk:07d}"
    HardshipArchive.objects.bulk_update(numbered, ["archive_number"], batch_size=500)
    return len(archives)


def _story(archive, status, poor, causes, standards, thresholds, county, rng):
    """Fill the archive's figures, dates and category, and queue its trail rows."""
    rows: list = []
    archive._demo_rows = rows
    day = archive.applied_on

    def assess(figures, on, source):
        row, result = _assessment(
            archive, figures, causes, on, source, standards, thresholds, county
        )
        rows.append(("assessment", row))
        return row, result

    def step(action, from_status, to_status, on, note="", data=None):
        at = datetime.datetime.combine(on, datetime.time(10), datetime.UTC)
        row = ArchiveStep(
            action=action,
            from_status=from_status,
            to_status=to_status,
            org_id=archive.org_id,
            on=on,
            at=at,
            note=note,
            data=data or {},
        )
        rows.append(("step", row))
        return row

    current = dict(poor)
    _row, result = assess(current, day, AssessmentSource.APPLY)
    step(StepAction.APPLY, "", ArchiveStatus.APPLIED, day, "工会代为申请")
    last = result
    order = [
        ArchiveStatus.GRASSROOTS_CHECKED,
        ArchiveStatus.VISITED,
        ArchiveStatus.APPROVED,
        ArchiveStatus.ARCHIVED,
    ]
    reach = {
        ArchiveStatus.APPLIED: 0,
        ArchiveStatus.REJECTED: 1,
        ArchiveStatus.GRASSROOTS_CHECKED: 1,
        ArchiveStatus.VISITED: 2,
        ArchiveStatus.APPROVED: 3,
    }.get(status, 4)
    previous = ArchiveStatus.APPLIED
    for to_status in order[:reach]:
        day = day + datetime.timedelta(days=rng.randint(3, 12))
        if to_status == ArchiveStatus.GRASSROOTS_CHECKED:
            step(StepAction.CHECK, previous, to_status, day)
        elif to_status == ArchiveStatus.VISITED:
            stored = f"demo{rng.getrandbits(64):016x}.pdf"
            rows.append(
                (
                    "file",
                    ArchiveAttachment(
                        kind=AttachmentKind.AUTHORISATION,
                        stored_name=stored,
                        original_name="授权书(演示).pdf",
                        content_type="application/pdf",
                        size=len(AUTH_PDF),
                        sha256="",
                        uploaded_at=datetime.datetime.combine(day, datetime.time(9), datetime.UTC),
                    ),
                )
            )
            step(
                StepAction.VISIT,
                previous,
                to_status,
                day,
                "入户核查属实",
                {"visitors": "演示核查员"},
            )
        elif to_status == ArchiveStatus.APPROVED:
            _row, last = assess(current, day, AssessmentSource.APPROVE)
            archive.approved_on = day
            step(StepAction.APPROVE, previous, to_status, day, data={"category": last.category})
        elif to_status == ArchiveStatus.ARCHIVED:
            archive.archived_on = day
            archive.next_review_due = add_months(day, 12)
            step(StepAction.FILE, previous, to_status, day)
        previous = to_status
    if status == ArchiveStatus.REJECTED:
        day = day + datetime.timedelta(days=5)
        archive.rejected_reason = rng.choice(REJECT_REASONS)
        if archive.rejected_reason == REJECT_REASONS[0] and ACCIDENTAL_CAUSES[0] not in causes:
            # the check found the income just above the entry line: a near-line household
            # (收入临界) monitoring keeps watching. Deterministic: the demo's stream is unchanged.
            current = _near_line(current["household_size"], _in_force(standards, day), archive)
            _row, last = assess(current, day, AssessmentSource.UPDATE)
        step(StepAction.REJECT, previous, status, day, archive.rejected_reason)
    if status == ArchiveStatus.ARCHIVED and archive.next_review_due <= TODAY and rng.random() < 0.6:
        # a yearly review done on time (the rest stay overdue for the list)
        day = archive.next_review_due - datetime.timedelta(days=rng.randint(1, 20))
        _review(archive, rows, assess, step, current, day, last)
        archive.next_review_due = add_months(day, 12)
    if status in (ArchiveStatus.EXITED, ArchiveStatus.WATCHED):
        day = archive.archived_on + datetime.timedelta(days=rng.randint(60, 120))
        current = _figures(
            rng, current["household_size"], _in_force(standards, day).monthly_amount, "none"
        )
        last = _review(archive, rows, assess, step, current, day, last)
        exit_day = add_months(day, 6) + datetime.timedelta(days=rng.randint(0, 60))
        archive.exited_on = exit_day
        archive.exit_reason = rng.choice(EXIT_REASONS)
        archive.watch_until = add_years(exit_day, thresholds.watch_years)
        archive.next_review_due = None
        step(
            StepAction.EXIT,
            ArchiveStatus.ARCHIVED,
            ArchiveStatus.EXITED,
            exit_day,
            archive.exit_reason,
            {"not_met_since": day.isoformat(), "exit_months": 6},
        )
        if status == ArchiveStatus.WATCHED:
            step(
                StepAction.WATCH,
                ArchiveStatus.EXITED,
                ArchiveStatus.WATCHED,
                exit_day + datetime.timedelta(days=3),
            )
    for key, value in current.items():
        setattr(archive, key, value)
    archive.category = last.category
    archive.category_explanation = last.explanation
    archive.category_assessed_on = max(r.assessed_on for k, r in rows if k == "assessment")
    archive.last_review_on = max((r.reviewed_on for k, r in rows if k == "review"), default=None)


def _review(archive, rows, assess, step, figures, day, before):
    assessment, result = assess(figures, day, AssessmentSource.REVIEW)
    if not result.meets_entry_test:
        outcome = ReviewOutcome.NOT_ELIGIBLE
    elif result.category != before.category:
        outcome = ReviewOutcome.RECATEGORISED
    else:
        outcome = ReviewOutcome.CONTINUE
    review = ArchiveReview(
        kind=ReviewKind.YEARLY, reviewed_on=day, outcome=outcome, findings="入户复核"
    )
    review._assessment = assessment
    rows.append(("review", review))
    row = step(
        StepAction.REVIEW,
        ArchiveStatus.ARCHIVED,
        ArchiveStatus.ARCHIVED,
        day,
        f"年度复核：{ReviewOutcome(outcome).label}",
        {"kind": "yearly", "outcome": outcome},
    )
    row._review = review
    return result
