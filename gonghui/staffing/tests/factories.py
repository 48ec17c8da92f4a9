"""Valid synthetic social workers for tests and matrix setups (outside any fixture)."""

import datetime as dt
import itertools

_counter = itertools.count(1)


def build_worker(*, org, actor=None, user=None, post=None, **overrides):
    from gonghui.staffing.people.services import worker_create

    n = next(_counter)
    data = dict(
        name=f"测试社工{n}",
        phone=f"139{n:08d}",
        education="bachelor",
        certificates=["assistant"],
        agency="测试人力资源服务有限公司",
        hired_on=dt.date(2020, 3, 1),
        contract_start=dt.date(2024, 3, 1),
        contract_end=dt.date(2027, 2, 28),
        funding_source="shared",
        county_share=60,
        grade=1,
        band=1,
        band_since=dt.date(2022, 1, 1),
    )
    data.update(overrides)
    return worker_create(actor=actor, org=org, user=user, post=post, **data)


def build_appraisal(*, worker, kind="quarter", year=2026, quarter=1, actor=None):
    from gonghui.staffing.appraisals.services import appraisals_open

    (appraisal,) = appraisals_open(
        actor=actor, workers=[worker], kind=kind, year=year, quarter=quarter
    )
    return appraisal
