"""Permission-matrix entries for the workforce API (see gonghui/core/testing/matrix.py)."""

import datetime

from django.forms.models import model_to_dict

from gonghui.core.testing.matrix import Endpoint, json_text
from gonghui.workforce.competitions.models import (
    Award,
    Competition,
    CompetitionStatus,
    Entry,
    Score,
)
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.innovations.models import SmallInnovation, Suggestion
from gonghui.workforce.mentorships.models import Mentorship
from gonghui.workforce.pioneers.models import Nomination, NominationObjection
from gonghui.workforce.studios.models import InnovationStudio, StudioOutcome, StudioReport
from gonghui.workforce.tests import factories as f
from gonghui.workforce.tests.matrix import (
    _competition,
    _enterprise,
    _entry,
    _honour,
    _innovation,
    _member,
    _mentorship,
    _nomination,
    _orgs,
    _studio,
    _suggestion,
    _three,
)

TODAY = datetime.date.today()
M = "workforce"
BASE = "/api/v1/workforce"


def _api(name, method, action, url, setup, **kwargs):
    return Endpoint(f"api.workforce.{name}", method, M, action, url, setup, api=True, **kwargs)


def _api_list(name, url, setup, marker):
    return _api(
        name,
        "GET",
        "view",
        lambda t: url,
        setup,
        marker=marker,
        scoped=False,
        extra={"extract": json_text},
    )


def _state(model):
    def snapshot(obj):
        fresh = model.objects.filter(pk=obj.pk).first()
        return None if fresh is None else model_to_dict(fresh)

    return snapshot


def _notice_over(org, place):
    from gonghui.workforce.pioneers import services

    nomination = _nomination(org, place)
    nomination = services.nomination_review(actor=None, nomination=nomination)
    start = TODAY - datetime.timedelta(days=10)
    return services.nomination_notice(
        actor=None,
        nomination=nomination,
        notice_from=start,
        notice_until=start + datetime.timedelta(days=5),
    )


def _answered(org, place):
    from gonghui.workforce.innovations import services

    return services.innovation_exclusions_set(
        actor=None,
        innovation=_innovation(org, place),
        funded_by_science_plan=False,
        awarded_elsewhere=False,
    )


def _reviewed(org, place):
    from gonghui.workforce.pioneers import services

    return services.nomination_review(actor=None, nomination=_nomination(org, place))


def _objection(org, place):
    from gonghui.workforce.pioneers import services

    return services.objection_record(
        actor=None, nomination=_notice_over(org, place), received_on=TODAY, content="异议"
    )


def _approved(org, place):
    from gonghui.workforce.pioneers import services

    return services.nomination_approve(actor=None, nomination=_notice_over(org, place))


ENDPOINTS = [
    _api_list(
        "competitions",
        f"{BASE}/competitions?limit=200",
        _three(_competition(CompetitionStatus.PLAN)),
        lambda c: c.name,
    ),
    _api(
        "competition_detail",
        "GET",
        "view",
        lambda c: f"{BASE}/competitions/{c.pk}",
        _three(_competition(CompetitionStatus.PLAN)),
    ),
    _api(
        "competition_update",
        "PATCH",
        "edit",
        lambda c: f"{BASE}/competitions/{c.pk}",
        _three(_competition(CompetitionStatus.PLAN)),
        data=lambda c: {"version": c.version, "theme": "接口修改的主题"},
        snapshot=_state(Competition),
    ),
    _api(
        "competition_create",
        "POST",
        "edit",
        lambda t: f"{BASE}/competitions",
        _orgs,
        data=lambda org: {
            "org_id": org.pk,
            "name": "接口新竞赛",
            "kind": "drill",
            "level": "enterprise",
            "starts_on": TODAY.isoformat(),
            "ends_on": TODAY.isoformat(),
            "trade_ids": [f.trade().pk],
            "theory_weight": 0,
            "practical_weight": 100,
        },
        snapshot=lambda org: Competition.objects.filter(name="接口新竞赛").count(),
        success=(201,),
    ),
    _api(
        "competition_step",
        "POST",
        "approve",
        lambda c: f"{BASE}/competitions/{c.pk}/steps",
        _three(_competition(CompetitionStatus.PLAN)),
        data=lambda c: {"step": "approve"},
        snapshot=_state(Competition),
    ),
    _api(
        "competition_results",
        "GET",
        "view",
        lambda c: f"{BASE}/competitions/{c.pk}/results",
        _three(_competition(CompetitionStatus.PLAN)),
    ),
    _api(
        "entry_register",
        "POST",
        "edit",
        lambda c: f"{BASE}/competitions/{c.pk}/entries",
        _three(_competition(CompetitionStatus.APPROVED)),
        data=lambda c: {"trade_id": c.trades.first().pk, "member": f.member(c.org).card_number},
        snapshot=lambda c: Entry.objects.filter(competition=c).count(),
        success=(201,),
        # The county's approved contest is open to A's unions: A's staff register their own
        # members there (201); the matrix's parent target is the B-side of that rule.
        scoped=False,
    ),
    _api(
        "scores_record",
        "POST",
        "edit",
        lambda e: f"{BASE}/competitions/{e.competition_id}/scores",
        _three(_entry),
        data=lambda e: {
            "trade_id": e.trade_id,
            "round": 1,
            "rows": [{"entry_id": e.pk, "theory": "70", "practical": "80"}],
        },
        snapshot=lambda e: Score.objects.filter(entry=e).count(),
    ),
    _api(
        "entry_withdraw",
        "POST",
        "edit",
        lambda e: f"{BASE}/competitions/entries/{e.pk}/withdraw",
        _three(_entry),
        data=lambda e: {"reason": "接口退出"},
        snapshot=_state(Entry),
    ),
    _api(
        "award_grant",
        "POST",
        "approve",
        lambda e: f"{BASE}/competitions/entries/{e.pk}/awards",
        _three(_entry),
        data=lambda e: {"grade_steps": 1, "note": "接口特别奖"},
        snapshot=lambda e: Award.objects.filter(entry=e).count(),
        success=(201,),
    ),
    _api_list(
        "nominations", f"{BASE}/nominations?limit=200", _three(_nomination), lambda n: n.team.name
    ),
    _api(
        "nomination_detail",
        "GET",
        "view",
        lambda n: f"{BASE}/nominations/{n.pk}",
        _three(_nomination),
    ),
    _api(
        "nomination_create",
        "POST",
        "edit",
        lambda t: f"{BASE}/nominations",
        _orgs,
        data=lambda org: {
            "org_id": org.pk,
            "kind": "medal",
            "year": TODAY.year,
            "member": f.member(org, employer=f.enterprise(org)).card_number,
            "deeds": "接口推荐事迹",
            "workers_heard_on": TODAY.isoformat(),
            "workers_heard_note": "职代会",
        },
        snapshot=lambda org: Nomination.objects.filter(deeds="接口推荐事迹").count(),
        success=(201,),
    ),
    _api(
        "nomination_approve",
        "POST",
        "approve",
        lambda n: f"{BASE}/nominations/{n.pk}/approve",
        _three(_notice_over),
        snapshot=_state(Nomination),
    ),
    _api(
        "nomination_review",
        "POST",
        "approve",
        lambda n: f"{BASE}/nominations/{n.pk}/review",
        _three(_nomination),
        data=lambda n: {"note": "同意"},
        snapshot=_state(Nomination),
    ),
    _api(
        "nomination_notice",
        "POST",
        "approve",
        lambda n: f"{BASE}/nominations/{n.pk}/notice",
        _three(_reviewed),
        data=lambda n: {
            "notice_from": TODAY.isoformat(),
            "notice_until": (TODAY + datetime.timedelta(days=6)).isoformat(),
        },
        snapshot=_state(Nomination),
    ),
    _api(
        "nomination_objection",
        "POST",
        "approve",
        lambda n: f"{BASE}/nominations/{n.pk}/objections",
        _three(_notice_over),
        data=lambda n: {"received_on": TODAY.isoformat(), "content": "接口异议"},
        snapshot=lambda n: n.objections.count(),
        success=(201,),
    ),
    _api(
        "nomination_objection_resolve",
        "POST",
        "approve",
        lambda o: f"{BASE}/nominations/{o.nomination_id}/objections/{o.pk}/resolve",
        _three(_objection),
        data=lambda o: {"outcome": "dismissed", "outcome_note": "经核实不属实"},
        snapshot=_state(NominationObjection),
    ),
    _api(
        "nomination_reject",
        "POST",
        "approve",
        lambda n: f"{BASE}/nominations/{n.pk}/reject",
        _three(_nomination),
        data=lambda n: {"reason": "事迹不充分"},
        snapshot=_state(Nomination),
    ),
    _api(
        "nomination_revoke",
        "POST",
        "approve",
        lambda n: f"{BASE}/nominations/{n.pk}/revoke",
        _three(_approved),
        data=lambda n: {"reason": "发生安全事故"},
        snapshot=_state(Nomination),
    ),
    _api_list("studios", f"{BASE}/studios?limit=200", _three(_studio), lambda s: s.name),
    _api("studio_detail", "GET", "view", lambda s: f"{BASE}/studios/{s.pk}", _three(_studio)),
    _api(
        "studio_create",
        "POST",
        "edit",
        lambda t: f"{BASE}/studios",
        _three(_enterprise),
        data=lambda e: {
            "name": "接口工作室",
            "kind": "staff",
            "lead": f.member(e.org).card_number,
            "host": e.credit_code,
            "founded_on": TODAY.isoformat(),
        },
        snapshot=lambda e: InnovationStudio.objects.filter(name="接口工作室").count(),
        success=(201,),
        scoped=False,
    ),
    _api(
        "studio_update",
        "PATCH",
        "edit",
        lambda s: f"{BASE}/studios/{s.pk}",
        _three(_studio),
        data=lambda s: {"site": "接口场所"},
        snapshot=_state(InnovationStudio),
    ),
    _api(
        "studio_report",
        "POST",
        "edit",
        lambda s: f"{BASE}/studios/{s.pk}/reports",
        _three(_studio),
        data=lambda s: {"year": TODAY.year, "quarter": 1, "activities": 3, "summary": "接口报送"},
        snapshot=lambda s: StudioReport.objects.filter(studio=s).count(),
        success=(201,),
    ),
    _api(
        "studio_outcome",
        "POST",
        "edit",
        lambda s: f"{BASE}/studios/{s.pk}/outcomes",
        _three(_studio),
        data=lambda s: {"kind": "patent", "title": "接口专利", "achieved_on": TODAY.isoformat()},
        snapshot=lambda s: StudioOutcome.objects.filter(studio=s).count(),
        success=(201,),
    ),
    _api_list(
        "mentorships", f"{BASE}/mentorships?limit=200", _three(_mentorship), lambda m: m.master.name
    ),
    _api(
        "mentorship_detail",
        "GET",
        "view",
        lambda m: f"{BASE}/mentorships/{m.pk}",
        _three(_mentorship),
    ),
    _api(
        "mentorship_appraise",
        "POST",
        "approve",
        lambda m: f"{BASE}/mentorships/{m.pk}/appraise",
        _three(_mentorship),
        data=lambda m: {"result": "pass", "appraised_on": TODAY.isoformat()},
        snapshot=_state(Mentorship),
    ),
    _api(
        "mentorship_terminate",
        "POST",
        "edit",
        lambda m: f"{BASE}/mentorships/{m.pk}/terminate",
        _three(_mentorship),
        data=lambda m: {"terminated_on": TODAY.isoformat(), "reason": "徒弟调岗"},
        snapshot=_state(Mentorship),
    ),
    _api(
        "mentorship_create",
        "POST",
        "edit",
        lambda t: f"{BASE}/mentorships",
        _orgs,
        data=lambda org: {
            "master": f.member(org).card_number,
            "apprentice": f.member(org, name="接口徒弟").card_number,
            "trade_id": f.trade().pk,
            "signed_on": TODAY.isoformat(),
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=300)).isoformat(),
            "goals": "接口目标",
        },
        snapshot=lambda org: Mentorship.objects.filter(goals="接口目标").count(),
        success=(201,),
        scoped=False,
    ),
    _api_list(
        "innovations", f"{BASE}/innovations?limit=200", _three(_innovation), lambda i: i.title
    ),
    _api(
        "innovation_create",
        "POST",
        "edit",
        lambda t: f"{BASE}/innovations",
        _orgs,
        data=lambda org: {
            "member": f.member(org).card_number,
            "category": "proposal",
            "title": "接口五小",
            "description": "接口提交的一项小建议内容。",
            "year": TODAY.year,
        },
        snapshot=lambda org: SmallInnovation.objects.filter(title="接口五小").count(),
        success=(201,),
        scoped=False,
    ),
    _api(
        "innovation_exclusions",
        "POST",
        "edit",
        lambda i: f"{BASE}/innovations/{i.pk}/exclusions",
        _three(_innovation),
        data=lambda i: {"funded_by_science_plan": False, "awarded_elsewhere": False},
        snapshot=_state(SmallInnovation),
    ),
    _api(
        "innovation_review",
        "POST",
        "edit",
        lambda i: f"{BASE}/innovations/{i.pk}/reviews",
        _three(_innovation),
        data=lambda i: {"score": "85", "comment": "接口评审"},
        snapshot=lambda i: i.reviews.count(),
        success=(201,),
    ),
    _api(
        "innovation_decide",
        "POST",
        "approve",
        lambda i: f"{BASE}/innovations/{i.pk}/decide",
        _three(_answered),
        data=lambda i: {"award": None, "level": "county", "note": "接口评定"},
        snapshot=_state(SmallInnovation),
    ),
    _api(
        "suggestion_decide",
        "POST",
        "approve",
        lambda s: f"{BASE}/suggestions/{s.pk}/decide",
        _three(_suggestion),
        data=lambda s: {"adopted": True, "benefit": "100"},
        snapshot=_state(Suggestion),
    ),
    _api_list(
        "suggestions", f"{BASE}/suggestions?limit=200", _three(_suggestion), lambda s: s.title
    ),
    _api(
        "suggestion_create",
        "POST",
        "edit",
        lambda t: f"{BASE}/suggestions",
        _orgs,
        data=lambda org: {
            "member": f.member(org).card_number,
            "title": "接口建议",
            "content": "接口提交的一条合理化建议内容。",
            "year": TODAY.year,
        },
        snapshot=lambda org: Suggestion.objects.filter(title="接口建议").count(),
        success=(201,),
        scoped=False,
    ),
    _api_list("honours", f"{BASE}/honours?limit=200", _three(_honour), lambda h: h.name),
    _api(
        "honour_record",
        "POST",
        "edit",
        lambda t: f"{BASE}/honours",
        _orgs,
        data=lambda org: {
            "kind": "medal",
            "name": "接口记录的五一劳动奖章",
            "level": "city",
            "awarded_on": TODAY.isoformat(),
            "member": f.member(org).card_number,
        },
        snapshot=lambda org: Honour.objects.filter(name="接口记录的五一劳动奖章").count(),
        success=(201,),
        scoped=False,
    ),
    _api(
        "member_ledger", "GET", "view", lambda m: f"{BASE}/honours/members/{m.pk}", _three(_member)
    ),
    _api("stats", "GET", "view", lambda t: f"{BASE}/stats?year={TODAY.year}", _orgs, scoped=False),
]
