"""Caravans, stops and registrations for tests and matrix setups (outside any fixture)."""

import datetime
import itertools

from django.utils import timezone

from gonghui.outreach.caravans import services
from gonghui.outreach.caravans.models import RegistrationChannel

_counter = itertools.count(1)
TRADES = ["electrician", "welder", "computer"]
SERVICES = ["job_aid", "training", "legal_aid", "legal_pack", "health"]


def build_caravan(*, org, actor=None, **overrides):
    n = next(_counter)
    data = dict(
        name=f"技能大篷车{n}号",
        kind="skills",
        vehicle="依维柯 浙G·0000{n % 10}",
        equipment="电工实训台、焊接模拟器",
        trades=TRADES,
        services=SERVICES,
    )
    data.update(overrides)
    return services.caravan_create(actor=actor, org=data.pop("org", org), **data)


def build_stop(*, org, caravan=None, actor=None, starts_in_days=3, quotas=None, **overrides):
    """A planned stop under `org` of a caravan (a new one at the stop's org by default)
    offering job aid (10), welder training (5), legal aid (no quota) unless `quotas` says
    other ({"job_aid": 2, "training:welder": 3, …})."""
    caravan = caravan or build_caravan(org=org)
    start = timezone.now() + datetime.timedelta(days=starts_in_days)
    quotas = quotas or {"job_aid": 10, "training:welder": 5, "legal_aid": None}
    offers = []
    for key, quota in quotas.items():
        service, _, trade = key.partition(":")
        offers.append({"service": service, "trade": trade, "quota": quota})
    data = dict(
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=4),
        place=f"测试广场{next(_counter)}",
        lng=119.72,
        lat=29.10,
        host_kind="community",
        host_name="测试社区",
        offers=offers,
    )
    data.update(overrides)
    return services.stop_create(actor=actor, caravan=caravan, org=org, **data)


def offer_of(stop, service="job_aid", trade=""):
    return stop.offers.get(service=service, trade=trade)


def register(stop, *, actor=None, service="job_aid", trade="", name=None, **overrides):
    """A registration at a stop; on the portal unless a staff actor is given."""
    channel = RegistrationChannel.ON_SITE if actor is not None else RegistrationChannel.PORTAL
    return services.registration_create(
        actor=actor,
        stop=stop,
        offer=offer_of(stop, service, trade),
        channel=channel,
        name=name or f"职工{next(_counter)}",
        **overrides,
    )
