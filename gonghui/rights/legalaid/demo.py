"""Demo legal aid: a roster of lawyers and cases in every state (applied on the portal and at
the window, accepted, refused, assigned and in progress — one past its deadline —, closed
with an outcome and the applicant's rating, one handled in another county), each case in
hand with a drawn pay slip among its materials. Synthetic people:
ID numbers of the fictional area 339901 (no such county exists)."""

import datetime
import random
from decimal import Decimal

from faker import Faker
from stdnum.cn import ric

from gonghui.accounts.models import User
from gonghui.orgs.models import Enterprise, Org
from gonghui.rights.legalaid.models import AidLawyer
from gonghui.rights.legalaid.services import (
    case_apply_public,
    case_assign,
    case_attachment_add,
    case_close,
    case_decide,
    case_feedback_public,
    case_note_add,
    case_register,
)
from gonghui.rights.wagechecks.demo import sample_image

STATES = [
    "portal",
    "applied",
    "accepted",
    "refused",
    "assigned",
    "assigned_overdue",
    "closed",
    "closed_rated",
    "elsewhere",
    "closed_mediated",
]
KINDS = ["arbitration", "consultation", "mediation", "litigation", "document", "contract_review"]
FACTS = [
    "在{e}从事搬运工作，单位拖欠 {m} 个月工资共 {a} 元，多次讨要未果，请求工会帮助追讨。",
    "在{e}工作期间受伤，单位不认定工伤、不支付医疗费，请求工会提供法律帮助。",
    "{e}未与本人签订书面劳动合同，现被辞退且未支付经济补偿，请求仲裁。",
]


def _id_number(rng: random.Random, taken: set) -> str:
    while True:
        birth = datetime.date(rng.randint(1968, 2003), rng.randint(1, 12), rng.randint(1, 28))
        body = f"339901{birth:%Y%m%d}{rng.randrange(0, 999):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in taken:
            taken.add(number)
            return number


def seed_legalaid(*, county: Org, today: datetime.date, rng: random.Random, seed: int) -> int:
    fake = Faker("zh_CN")
    fake.seed_instance(seed + 17)
    lawyers = [
        AidLawyer.objects.create(
            org=county,
            name=name,
            firm=firm,
            licence_no=f"1339920{rng.randrange(10**9):09d}",
            phone=f"137{rng.randrange(10**8):08d}",
        )
        for name, firm in (("周律师", "青禾正衡律师事务所"), ("吴律师", "青禾明理律师事务所"))
    ]
    staff = User.objects.filter(username="county_staff").first()
    employers = list(
        Enterprise.objects.filter(org__path__startswith=county.path)
        .select_related("org")
        .order_by("pk")[20:40]
    )
    taken: set[str] = set()
    made = 0
    for index, state in enumerate(STATES):
        enterprise = employers[index % len(employers)]
        applied = today - datetime.timedelta(days=[1, 3, 12, 20, 25, 70, 90, 120, 40, 150][index])
        township = Org.objects.filter(pk=enterprise.org.anchor_id).first() or county
        facts = rng.choice(FACTS).format(
            e=enterprise.name, m=rng.randint(1, 5), a=rng.randrange(8000, 60000, 100)
        )
        data = dict(
            applicant_name=fake.name(),
            id_number=_id_number(rng, taken),
            phone=f"139{rng.randrange(10**8):08d}",
            kind=KINDS[index % len(KINDS)],
            facts=facts,
            employer_name=enterprise.name,
            amount_claimed=Decimal(rng.randrange(8000, 60000, 100)),
            health_details="工伤致右手骨折，住院 12 天" if "受伤" in facts else "",
            minor_details="申请人 17 岁，系未成年工" if index == 2 else "",
            has_income_proof=True,
        )
        if state == "portal":
            case_apply_public(township=township, **{k: v for k, v in data.items()})
            made += 1
            continue
        case = case_register(
            actor=None, org=enterprise.org, enterprise=enterprise, applied_on=applied, **data
        )
        made += 1
        if state == "applied":
            continue
        decided = applied + datetime.timedelta(days=2)
        if state == "refused":
            case_decide(
                actor=None,
                case=case,
                accept=False,
                on=decided,
                reason="不属于劳动争议，建议向人民法院起诉或申请人民调解",
            )
            continue
        case_decide(actor=None, case=case, accept=True, on=decided)
        if state == "accepted":
            continue
        assignee = {"user": staff} if index % 2 and staff else {"lawyer": lawyers[index % 2]}
        case_assign(
            actor=None,
            case=case,
            on=decided + datetime.timedelta(days=1),
            handled_elsewhere="邻县总工会" if state == "elsewhere" else "",
            **assignee,
        )
        case_note_add(
            actor=None,
            case=case,
            noted_on=decided + datetime.timedelta(days=5),
            text="已与申请人面谈，收集工资条、考勤记录等证据。",
        )
        case_attachment_add(
            actor=None,
            case=case,
            upload=sample_image("工资条.png", [f"{enterprise.name[:20]}", "工资条(示例)"]),
        )
        if not state.startswith("closed"):
            continue
        closed_on = decided + datetime.timedelta(days=rng.randint(20, 50))
        outcome = "mediated" if state == "closed_mediated" else "awarded"
        case_close(
            actor=None,
            case=case,
            closed_on=min(closed_on, today),
            outcome=outcome,
            amount_recovered=Decimal(rng.randrange(8000, 50000, 100)),
            judgement="青禾县劳动人事争议仲裁委员会裁决书"
            if outcome == "awarded"
            else "调解协议书",
        )
        if state == "closed_rated":
            case_feedback_public(
                id_number=data["id_number"],
                phone=data["phone"],
                number=case.number,
                score=5,
                text="工会帮我要回了工资，非常感谢",
            )
    return made
