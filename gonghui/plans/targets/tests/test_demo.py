"""The demo plan's targets: each bound to a registered measure (none shows 指标未接入) whose
unit fits its comparator and value, or deliberately manual."""

from gonghui.core import metrics
from gonghui.plans.targets.demo import COUNTED, MANUAL, SPLIT, STOCK
from gonghui.plans.targets.services import target_validate


def test_every_demo_target_is_bound_to_a_registered_measure_or_manual():
    registered = {m.code for m in metrics.measures()}
    codes = [code for _name, code, _comparator, _value in COUNTED]
    assert [code for code in codes if code not in registered] == []
    assert STOCK - set(codes) == set() and set(SPLIT) - set(codes) == set()
    for name, code, comparator, value in COUNTED:
        # Refused values (a rate above 100 %, a fraction of people) would raise here.
        target_validate(
            plan=None,
            org=object(),
            name=name,
            measure_code=code,
            comparator=comparator,
            value=value,
            starts_on=None,
            deadline=None,
        )
    assert all(status for _name, status, _text, _doc in MANUAL)
