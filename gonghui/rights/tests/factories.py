"""Builders of rights records for tests (through the services, as the system: actor=None)."""

import datetime
import itertools
from decimal import Decimal

from gonghui.orgs.models import Org, OrgLevel, OrgType
from gonghui.testing.fixtures import build_enterprise

_n = itertools.count(1)


def valid_id_number(n: int) -> str:
    """A synthetic 18-digit ID number with a valid check digit; area 339901 is fictional
    (xx99xx: no such county), so none can be a real person's."""
    from stdnum.cn import ric

    body = f"339901{1980 + n % 30}{(n % 12) + 1:02d}{(n % 27) + 1:02d}{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def union_enterprise(*, parent: Org, name: str | None = None, **overrides):
    """An employer with its own union under `parent` (a township)."""
    from gonghui.orgs.services import org_create

    n = next(_n)
    union = org_create(
        actor=None,
        parent=parent,
        name=f"{name or '测试企业'}{n}工会",
        type=OrgType.ENTERPRISE,
        level=OrgLevel.GRASSROOTS,
        code=f"{parent.code}E{n:04d}",
    )
    overrides.setdefault("name", f"{name or '测试企业'}{n}有限公司")
    return build_enterprise(org=union, has_union=True, union=union, **overrides)


def contract(
    enterprise,
    *,
    signed_on=datetime.date(2026, 3, 2),
    start_on=None,
    years: int = 3,
    filed_on=None,
    kind="comprehensive",
    workers=100,
    **overrides,
):
    from gonghui.rights.contracts.services import contract_file, contract_register
    from gonghui.rights.shared import add_years

    start_on = start_on or signed_on
    data = dict(
        kind=kind,
        title=f"{enterprise.name}集体合同",
        union_party=f"{enterprise.name}工会",
        employer_party=enterprise.name,
        workers_covered=workers,
        start_on=start_on,
        end_on=add_years(start_on, years) - datetime.timedelta(days=1),
        signed_on=signed_on,
        congress_on=signed_on - datetime.timedelta(days=5),
        congress_total=60,
        congress_present=50,
        congress_for=40,
        enterprise=enterprise,
    )
    data.update(overrides)
    made = contract_register(actor=None, **data)
    if filed_on is not None:
        made = contract_file(actor=None, contract=made, filed_on=filed_on, department="县人社局")
    return made


def offer(enterprise, *, sent_on=datetime.date(2026, 3, 3), **overrides):
    from gonghui.rights.bargaining.services import offer_send

    return offer_send(
        actor=None, enterprise=enterprise, subject="签订集体合同", sent_on=sent_on, **overrides
    )


def finding(
    enterprise, *, found_on=datetime.date(2026, 3, 2), amount=Decimal("12000"), **overrides
):
    from gonghui.rights.wagechecks.services import finding_create

    data = dict(
        description="拖欠 3 月工资", amount_owed=amount, workers_affected=6, found_on=found_on
    )
    data.update(overrides)
    return finding_create(actor=None, enterprise=enterprise, **data)


def case(org, *, n: int | None = None, enterprise=None, **overrides):
    from gonghui.rights.legalaid.services import case_register

    n = n if n is not None else next(_n)
    data = dict(
        applicant_name=f"申请人{n}",
        id_number=valid_id_number(n),
        phone=f"139{n:08d}",
        kind="arbitration",
        facts="单位拖欠工资三个月。",
        employer_name=enterprise.name if enterprise else "某公司",
        enterprise=enterprise,
        applied_on=datetime.date(2026, 3, 2),
    )
    data.update(overrides)
    return case_register(actor=None, org=org, **data)
