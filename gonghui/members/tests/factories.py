"""Valid synthetic members for tests and matrix setups (outside any fixture)."""

import datetime
import itertools

from stdnum.cn import ric

_counter = itertools.count(1)


def make_id_number(
    *, birth: datetime.date | None = None, male: bool = True, area: str = "330102", n=None
) -> str:
    """A valid 18-digit ID number (fresh for every call unless birth and n are fixed)."""
    n = next(_counter) if n is None else n
    birth = birth or datetime.date(1980, 1, 1) + datetime.timedelta(days=n)
    seq = (n % 400) * 2 + (1 if male else 0)
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + ric.calc_check_digit(body + "0")


def build_member(*, org, actor=None, **overrides):
    from gonghui.members.services import member_register

    data = dict(
        name="测试会员",
        id_number=make_id_number(),
        phone="13800001234",
        joined_on=datetime.date(2020, 5, 1),
    )
    data.update(overrides)
    return member_register(actor=actor, org=org, **data)
