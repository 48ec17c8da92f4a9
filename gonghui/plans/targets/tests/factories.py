"""Builders of plans and targets for tests (through the services)."""

import datetime as dt

from gonghui.plans.targets.services import plan_create, target_create


def build_plan(*, org, year=2026, title="年度工作目标"):
    return plan_create(actor=None, org=org, year=year, title=title)


def build_target(
    *, plan, org=None, name="新发展会员", measure_code="members.joined", value=2, **kw
):
    return target_create(
        actor=None,
        plan=plan,
        org=org or plan.org,
        name=name,
        measure_code=measure_code,
        value=value,
        starts_on=kw.pop("starts_on", dt.date(plan.year, 1, 1)),
        deadline=kw.pop("deadline", dt.date(plan.year, 12, 31)),
        **kw,
    )
