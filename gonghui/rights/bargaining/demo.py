"""Demo bargaining: a county offer season half done (offers sent to about half the targets,
some answered, some signed, some with the 20-day reply overdue), and a few offers outside it."""

import datetime
import random

from gonghui.orgs.models import Org
from gonghui.rights.bargaining.models import OfferOutcome, OfferReply, SeasonKind, SeasonTarget
from gonghui.rights.bargaining.services import (
    offer_conclude,
    offer_reply_record,
    offer_send,
    season_open,
    talk_add,
)


def seed_bargaining(*, county: Org, today: datetime.date, rng: random.Random) -> int:
    year = today.year + (1 if today.month >= 11 else 0)
    season = season_open(
        actor=None,
        org=county,
        name=f"{year}年冬春季集体协商要约行动",
        kind=SeasonKind.WINTER_SPRING,
        year=year,
        starts_on=today - datetime.timedelta(days=45),
        ends_on=today + datetime.timedelta(days=75),
        note="县总工会统一部署，各乡镇(街道)工会对本辖区已建会未签合同、合同即将到期的企业逐一发出要约。",
    )
    targets = list(
        SeasonTarget.objects.filter(season=season)
        .select_related("enterprise__union", "enterprise__org")
        .order_by("pk")
    )
    sent = 0
    for index, target in enumerate(targets):
        if index % 2:  # half the list is still to do
            continue
        sent_on = today - datetime.timedelta(days=rng.randint(3, 44))
        offer = offer_send(
            actor=None,
            enterprise=target.enterprise,
            subject="签订(续订)集体合同",
            content=f"根据“{season.name}”，我会代表职工向贵单位提出集体协商要约，请于收到之日起 20 日内书面答复。",
            sent_on=sent_on,
            season=season,
        )
        sent += 1
        roll = rng.random()
        if roll < 0.35 or (today - sent_on).days <= 20:
            continue  # waiting (or overdue when the 20 days have passed)
        replied_on = sent_on + datetime.timedelta(days=rng.randint(5, 19))
        if roll < 0.45:
            offer_reply_record(
                actor=None,
                offer=offer,
                replied_on=replied_on,
                reply=OfferReply.REFUSED,
                note="企业经营困难，暂不协商",
            )
            offer_conclude(
                actor=None,
                offer=offer,
                outcome=OfferOutcome.ESCALATED,
                on=replied_on + datetime.timedelta(days=2),
                note="提请县协调劳动关系三方机制协调",
            )
            continue
        offer_reply_record(
            actor=None,
            offer=offer,
            replied_on=replied_on,
            reply=OfferReply.ACCEPTED,
            note="同意协商",
        )
        held = min(replied_on + datetime.timedelta(days=rng.randint(1, 6)), today)
        reps = rng.randint(3, 7)
        talk_add(
            actor=None,
            offer=offer,
            held_on=held,
            union_reps=reps,
            employer_reps=reps,
            minutes="双方就工资调整幅度、工时和休息休假、女职工特殊保护进行了协商，形成初步意见。",
            representatives="职工方：首席代表工会主席；企业方：首席代表总经理",
        )
        if roll > 0.75:
            offer_conclude(
                actor=None,
                offer=offer,
                outcome=OfferOutcome.SIGNED,
                on=min(held + datetime.timedelta(days=3), today),
                note="双方签字，待报送审查",
            )
    return sent
