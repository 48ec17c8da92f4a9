"""Demo labour-law supervision: the county's supervisors and a few inspections, one of which
found a problem that entered the 一函两书 ladder."""

import datetime
import random
from decimal import Decimal

from gonghui.orgs.models import Enterprise, Org
from gonghui.rights.supervision.models import InspectionResult
from gonghui.rights.supervision.services import inspection_record, supervisor_appoint
from gonghui.rights.wagechecks.services import finding_create


def seed_supervision(*, county: Org, today: datetime.date, rng: random.Random) -> int:
    supervisors = [
        supervisor_appoint(
            actor=None,
            org=county,
            name=name,
            phone=f"136{rng.randrange(10**8):08d}",
            certificate_no=f"QH-JD-{i:03d}",
            appointed_on=today - datetime.timedelta(days=400 + i * 10),
            term_ends_on=today + datetime.timedelta(days=700),
        )
        for i, name in enumerate(("赵文", "钱立", "孙红"), start=1)
    ]
    employers = list(
        Enterprise.objects.filter(org__path__startswith=county.path)
        .select_related("org")
        .order_by("-pk")[:4]
    )
    for index, enterprise in enumerate(employers):
        issues = index == 0
        inspection = inspection_record(
            actor=None,
            enterprise=enterprise,
            supervisors=supervisors[: 2 if index % 2 else 3],
            inspected_on=today - datetime.timedelta(days=30 - index * 5),
            subject="劳动合同、工资支付、工时休假、社会保险执行情况",
            result=InspectionResult.ISSUES if issues else InspectionResult.COMPLIANT,
            summary="查阅劳动合同、工资台账，随机访谈职工 10 人。",
        )
        if issues:
            finding_create(
                actor=None,
                enterprise=enterprise,
                inspection=inspection,
                item_code="overtime",
                description="延长工作时间未支付加班工资",
                amount_owed=Decimal("18600"),
                workers_affected=12,
                found_on=inspection.inspected_on,
            )
    return len(employers)
