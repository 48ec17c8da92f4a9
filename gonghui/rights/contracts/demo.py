"""Demo collective contracts: most employers with a union have one in force; some expire next
month, some are signed and waiting to be filed (one overdue), one is under review, one
regional contract covers a township's small employers, one expired."""

import datetime
import random

from gonghui.orgs.models import Enterprise, Org
from gonghui.rights.contracts.models import ContractKind
from gonghui.rights.contracts.services import contract_file, contract_register
from gonghui.rights.shared import add_months, add_years


def _register(enterprise, *, signed_on, years, kind=ContractKind.COMPREHENSIVE, rng, **extra):
    start_on = signed_on
    end_on = add_years(start_on, years) - datetime.timedelta(days=1)
    total = rng.randint(30, 120)
    present = total - rng.randint(0, total // 4)
    approving = max(total // 2 + 1, present - rng.randint(0, 5))
    return contract_register(
        actor=None,
        kind=kind,
        title=f"{enterprise.name}{ContractKind(kind).label}"
        if enterprise is not None
        else extra.pop("title"),
        union_party=f"{enterprise.name}工会" if enterprise else extra.pop("union_party"),
        employer_party=enterprise.name if enterprise else extra.pop("employer_party"),
        workers_covered=enterprise.employee_count if enterprise else extra.pop("workers_covered"),
        start_on=start_on,
        end_on=end_on,
        signed_on=signed_on,
        congress_on=signed_on - datetime.timedelta(days=rng.randint(3, 20)),
        congress_total=total,
        congress_present=present,
        congress_for=approving,
        enterprise=enterprise,
        text="第一章 总则\n第一条 为维护职工和企业的合法权益，根据《中华人民共和国劳动法》和《集体合同规定》，经双方平等协商，订立本合同。\n第二章 劳动报酬\n第二条 企业按时足额以货币形式支付职工工资，不低于当地最低工资标准。",
        **extra,
    )


def seed_contracts(*, county: Org, today: datetime.date, rng: random.Random) -> int:
    employers = list(
        Enterprise.objects.filter(org__path__startswith=county.path, has_union=True)
        .select_related("union", "org")
        .order_by("pk")
    )
    made = 0
    expiring_next_month = 3
    for index, enterprise in enumerate(employers):
        roll = rng.random()
        if index < expiring_next_month:
            # signed three years ago: expires next month
            end = add_months(today, 1)
            signed = add_years(end, -3) + datetime.timedelta(days=1)
            contract = _register(enterprise, signed_on=signed, years=3, rng=rng)
            contract_file(
                actor=None,
                contract=contract,
                filed_on=signed + datetime.timedelta(days=4),
                department="青禾县人力资源和社会保障局",
            )
        elif index == expiring_next_month:
            contract = _register(
                enterprise, signed_on=today - datetime.timedelta(days=20), years=3, rng=rng
            )  # filing overdue
        elif index == expiring_next_month + 1:
            _register(
                enterprise, signed_on=today - datetime.timedelta(days=2), years=2, rng=rng
            )  # to file
        elif index == expiring_next_month + 2:
            contract = _register(
                enterprise,
                signed_on=today - datetime.timedelta(days=8),
                years=3,
                kind=ContractKind.WAGE,
                rng=rng,
            )
            contract_file(
                actor=None,
                contract=contract,
                filed_on=today - datetime.timedelta(days=6),
                department="青禾县人力资源和社会保障局",
            )  # under review
        elif index == expiring_next_month + 3:
            # expired last year and not renewed
            signed = add_years(today, -3) - datetime.timedelta(days=90)
            contract = _register(enterprise, signed_on=signed, years=3, rng=rng)
            contract_file(
                actor=None,
                contract=contract,
                filed_on=signed + datetime.timedelta(days=5),
                department="青禾县人力资源和社会保障局",
            )
        elif roll < 0.62:
            signed = today - datetime.timedelta(days=rng.randint(40, 1000))
            years = rng.choice([2, 3, 3])
            if add_years(signed, years) <= add_months(today, 4):
                years = 3
            contract = _register(enterprise, signed_on=signed, years=years, rng=rng)
            contract_file(
                actor=None,
                contract=contract,
                filed_on=signed + datetime.timedelta(days=rng.randint(1, 9)),
                department="青禾县人力资源和社会保障局",
            )
            if rng.random() < 0.25:
                female = _register(
                    enterprise,
                    signed_on=signed + datetime.timedelta(days=1),
                    years=years,
                    kind=ContractKind.FEMALE,
                    rng=rng,
                )
                contract_file(
                    actor=None,
                    contract=female,
                    filed_on=signed + datetime.timedelta(days=3),
                    department="青禾县人力资源和社会保障局",
                )
                made += 1
        else:
            continue
        made += 1
    # a regional contract of the first township with small employers in its joint union
    township = Org.objects.filter(parent=county, code__endswith="001").first()
    small = (
        list(
            Enterprise.objects.filter(
                org__path__startswith=township.path, has_union=True, union__isnull=True
            ).order_by("pk")[:6]
        )
        if township
        else []
    )
    if small:
        signed = today - datetime.timedelta(days=200)
        contract = _register(
            None,
            signed_on=signed,
            years=3,
            kind=ContractKind.REGIONAL,
            rng=rng,
            covered=small,
            org=small[0].org,
            title=f"{township.name.removesuffix('总工会')}小微企业区域性集体合同",
            union_party=small[0].org.name,
            employer_party=f"{township.name.removesuffix('总工会')}企业代表",
            workers_covered=sum(e.employee_count for e in small),
        )
        contract_file(
            actor=None,
            contract=contract,
            filed_on=signed + datetime.timedelta(days=6),
            department="青禾县人力资源和社会保障局",
        )
        made += 1
    return made
