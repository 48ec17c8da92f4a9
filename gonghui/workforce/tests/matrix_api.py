"""Permission-matrix entries for the workforce API (see gonghui/core/testing/matrix.py)."""

import datetime

from django.forms.models import model_to_dict

from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.workforce.competitions.models import (
    Award,
    Competition,
    CompetitionKind,
    CompetitionStatus,
    Entry,
    ProjectParticipant,
    ProjectScore,
    Quota,
    Score,
    Title,
    TitleRule,
    Trade,
)
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.innovations.models import (
    InnovationAttachment,
    SmallInnovation,
    Suggestion,
)
from gonghui.workforce.mentorships.models import (
    Ceremony,
    Checkpoint,
    Mentorship,
    MentorshipPolicy,
)
from gonghui.workforce.pioneers.models import (
    BarRule,
    EmployerIncident,
    ExcellentTeam,
    Nomination,
    NominationObjection,
    Team,
    TeamTraining,
)
from gonghui.workforce.studios.models import (
    InnovationStudio,
    StandardItem,
    StudioAppraisal,
    StudioMember,
    StudioOutcome,
    StudioReport,
)
from gonghui.workforce.tests import factories as f
from gonghui.workforce.tests.matrix import (
    _attachment,
    _award,
    _ceremony,
    _competition,
    _enterprise,
    _entry,
    _excellent,
    _honour,
    _incident,
    _innovation,
    _member,
    _mentorship,
    _nomination,
    _orgs,
    _participant,
    _studio,
    _suggestion,
    _team,
    _three,
    _training,
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


def _count(model, **filters):
    return lambda _target: model.objects.filter(**filters).count()


def _plan_participant(org, place):
    # A plan: the county's running contest would be open to A's unions (as for the details).
    comp = f.competition(
        org,
        kind=CompetitionKind.PROJECT,
        status=CompetitionStatus.PLAN,
        name=f"{place}工程竞赛",
        level="enterprise",
    )
    return ProjectParticipant.objects.create(
        org=org, competition=comp, enterprise=f.enterprise(org), section=place
    )


def _checkpoint(org, place):
    from gonghui.workforce.mentorships import services

    return services.checkpoint_add(
        actor=None,
        mentorship=_mentorship(org, place),
        title="矩阵节点",
        due_on=TODAY + datetime.timedelta(days=10),
    )


def _county_rule(tree, actor):
    rule = f.rule(tree.county, rank_to=1, grade_steps=1)
    return Targets(own=rule, sibling=rule, parent=rule)


def _county_admin_only(name, url, data, snapshot, method="POST"):
    # Every role sits at township A: none is a county admin, so the change is refused with the
    # service's message (403) and nothing is written; the sub-domain's test_api.py covers the
    # county admin.
    return _api(
        name,
        method,
        "edit",
        url,
        _orgs,
        data=data,
        snapshot=snapshot,
        success=(403,),
        scoped=False,
    )


def _studio_member(org, place):
    from gonghui.workforce.studios import services

    return services.studio_member_add(
        actor=None,
        studio=_studio(org, place),
        member=f.member(org, name=f"{place}工作室成员"),
        role="member",
        joined_on=TODAY - datetime.timedelta(days=30),
    )


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("接口说明.pdf", b"%PDF-1.4 matrix")


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
    # --- teams, 优秀班组, trainings, incidents, barred-year rules ----------------------------
    _api_list("teams", f"{BASE}/teams?limit=200", _three(_team), lambda t: t.name),
    _api("team_detail", "GET", "view", lambda t: f"{BASE}/teams/{t.pk}", _three(_team)),
    _api(
        "team_create",
        "POST",
        "edit",
        lambda t: f"{BASE}/teams",
        _three(_enterprise),
        data=lambda e: {"enterprise": e.credit_code, "name": "接口新班组", "kind": "crew"},
        snapshot=_count(Team, name="接口新班组"),
        success=(201,),
        scoped=False,
    ),
    _api(
        "team_update",
        "PATCH",
        "edit",
        lambda t: f"{BASE}/teams/{t.pk}",
        _three(_team),
        data=lambda t: {"headcount": 7},
        snapshot=_state(Team),
    ),
    _api_list(
        "excellent_teams",
        f"{BASE}/excellent-teams?limit=200",
        _three(_excellent),
        lambda e: e.team.name,
    ),
    _api(
        "excellent_create",
        "POST",
        "edit",
        lambda t: f"{BASE}/excellent-teams",
        _three(_team),
        data=lambda t: {"team_id": t.pk, "year": TODAY.year},
        snapshot=_count(ExcellentTeam),
        success=(201,),
        scoped=False,
    ),
    _api(
        "excellent_decide",
        "POST",
        "approve",
        lambda e: f"{BASE}/excellent-teams/{e.pk}/decide",
        _three(_excellent),
        data=lambda e: {"selected": True},
        snapshot=_state(ExcellentTeam),
    ),
    _api_list("trainings", f"{BASE}/trainings?limit=200", _three(_training), lambda t: t.topic),
    _api(
        "training_create",
        "POST",
        "edit",
        lambda t: f"{BASE}/trainings",
        _orgs,
        data=lambda org: {
            "org_id": org.pk,
            "held_on": TODAY.isoformat(),
            "topic": "接口新培训",
            "trainer": "李工",
            "attendees": 12,
        },
        snapshot=_count(TeamTraining, topic="接口新培训"),
        success=(201,),
    ),
    _api_list(
        "incidents", f"{BASE}/incidents?limit=200", _three(_incident), lambda i: i.enterprise.name
    ),
    _api(
        "incident_create",
        "POST",
        "edit",
        lambda t: f"{BASE}/incidents",
        _three(_enterprise),
        data=lambda e: {
            "enterprise": e.credit_code,
            "kind": "mass_incident",
            "occurred_on": TODAY.isoformat(),
            "description": "接口新记录",
        },
        snapshot=_count(EmployerIncident, description="接口新记录"),
        success=(201,),
        scoped=False,
    ),
    _api("bar_rules", "GET", "view", lambda t: f"{BASE}/bar-rules", _orgs, scoped=False),
    _county_admin_only(
        "bar_rule_set",
        lambda t: f"{BASE}/bar-rules",
        lambda t: {"kind": "mass_incident", "years": 2},
        _count(BarRule),
    ),
    # --- the county's trades, titles, title rules and mentorship rule ------------------------
    _api("trades", "GET", "view", lambda t: f"{BASE}/competitions/trades", _orgs, scoped=False),
    _county_admin_only(
        "trade_create",
        lambda t: f"{BASE}/competitions/trades",
        lambda t: {"name": "接口新工种"},
        _count(Trade, name="接口新工种"),
    ),
    _api("titles", "GET", "view", lambda t: f"{BASE}/competitions/titles", _orgs, scoped=False),
    _county_admin_only(
        "title_create",
        lambda t: f"{BASE}/competitions/titles",
        lambda t: {"name": "接口新称号"},
        _count(Title, name="接口新称号"),
    ),
    _api(
        "title_rules",
        "GET",
        "view",
        lambda t: f"{BASE}/competitions/title-rules",
        _orgs,
        scoped=False,
    ),
    _county_admin_only(
        "title_rule_create",
        lambda t: f"{BASE}/competitions/title-rules",
        lambda t: {"level": "county", "rank_to": 3, "grade_steps": 1},
        _count(TitleRule),
    ),
    _api(
        "title_rule_active",
        "POST",
        "edit",
        lambda r: f"{BASE}/competitions/title-rules/{r.pk}/active",
        _county_rule,
        data=lambda r: {"is_active": False},
        snapshot=_state(TitleRule),
        success=(403,),
        scoped=False,
    ),
    _api("policy", "GET", "view", lambda t: f"{BASE}/mentorships/policy", _orgs, scoped=False),
    _county_admin_only(
        "policy_set",
        lambda t: f"{BASE}/mentorships/policy",
        lambda t: {"monthly_allowance": "500"},
        _count(MentorshipPolicy),
    ),
    # --- competitions: quotas, project participants, hand-entered awards -------------------
    _api(
        "quota_list",
        "GET",
        "edit",
        lambda c: f"{BASE}/competitions/{c.pk}/quotas",
        _three(_competition(CompetitionStatus.APPROVED)),
    ),
    _api(
        "quota_set",
        "POST",
        "edit",
        lambda c: f"{BASE}/competitions/{c.pk}/quotas",
        _three(_competition(CompetitionStatus.APPROVED)),
        data=lambda c: {"org_id": c.org_id, "places": 3},
        snapshot=lambda c: Quota.objects.filter(competition=c).count(),
    ),
    _api(
        "participant_list",
        "GET",
        "view",
        lambda p: f"{BASE}/competitions/{p.competition_id}/participants",
        _three(_plan_participant),
    ),
    _api(
        "participant_add",
        "POST",
        "edit",
        lambda p: f"{BASE}/competitions/{p.competition_id}/participants",
        _three(_participant),
        data=lambda p: {"enterprise": f.enterprise(p.org).credit_code, "section": "接口二标"},
        snapshot=lambda p: ProjectParticipant.objects.filter(
            competition_id=p.competition_id
        ).count(),
        success=(201,),
    ),
    _api(
        "project_scores",
        "POST",
        "edit",
        lambda p: f"{BASE}/competitions/participants/{p.pk}/scores",
        _three(_participant),
        data=lambda p: {"period": TODAY.isoformat(), "scores": {"progress": "90"}},
        snapshot=lambda p: ProjectScore.objects.filter(participant=p).count(),
    ),
    _api(
        "award_remove",
        "DELETE",
        "approve",
        lambda a: f"{BASE}/competitions/awards/{a.pk}",
        _three(_award),
        snapshot=lambda a: Award.objects.filter(pk=a.pk).count(),
        success=(204,),
    ),
    # --- mentorships: checkpoints and ceremonies ---------------------------------------------
    _api(
        "checkpoints",
        "GET",
        "view",
        lambda m: f"{BASE}/mentorships/{m.pk}/checkpoints",
        _three(_mentorship),
    ),
    _api(
        "checkpoint_add",
        "POST",
        "edit",
        lambda m: f"{BASE}/mentorships/{m.pk}/checkpoints",
        _three(_mentorship),
        data=lambda m: {
            "title": "接口节点",
            "due_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        },
        snapshot=lambda m: Checkpoint.objects.filter(mentorship=m).count(),
        success=(201,),
    ),
    _api(
        "checkpoint_done",
        "POST",
        "edit",
        lambda c: f"{BASE}/mentorships/{c.mentorship_id}/checkpoints/{c.pk}/done",
        _three(_checkpoint),
        data=lambda c: {"done_on": TODAY.isoformat(), "note": "接口完成"},
        snapshot=_state(Checkpoint),
    ),
    _api_list(
        "ceremonies",
        f"{BASE}/mentorships/ceremonies?limit=200",
        _three(_ceremony),
        lambda c: c.name,
    ),
    _api(
        "ceremony_detail",
        "GET",
        "view",
        lambda c: f"{BASE}/mentorships/ceremonies/{c.pk}",
        _three(_ceremony),
    ),
    _api(
        "ceremony_create",
        "POST",
        "edit",
        lambda t: f"{BASE}/mentorships/ceremonies",
        _orgs,
        data=lambda org: {"org_id": org.pk, "name": "接口新仪式", "held_on": TODAY.isoformat()},
        snapshot=_count(Ceremony, name="接口新仪式"),
        success=(201,),
    ),
    # --- 五小 detail and attachments, suggestion detail ------------------------------------
    _api(
        "innovation_detail",
        "GET",
        "view",
        lambda i: f"{BASE}/innovations/{i.pk}",
        _three(_innovation),
    ),
    _api(
        "suggestion_detail",
        "GET",
        "view",
        lambda s: f"{BASE}/suggestions/{s.pk}",
        _three(_suggestion),
    ),
    _api(
        "attachments",
        "GET",
        "view",
        lambda a: f"{BASE}/innovations/{a.innovation_id}/attachments",
        _three(_attachment),
    ),
    _api(
        "attachment_add",
        "POST",
        "edit",
        lambda i: f"{BASE}/innovations/{i.pk}/attachments",
        _three(_innovation),
        data=lambda i: {"file": _pdf()},
        snapshot=lambda i: InnovationAttachment.objects.filter(innovation=i).count(),
        success=(201,),
        extra={"multipart": True},
    ),
    _api(
        "attachment_download",
        "GET",
        "view",
        lambda a: f"{BASE}/innovations/{a.innovation_id}/attachments/{a.pk}",
        _three(_attachment),
    ),
    # --- honours: revoking a recorded one, the team's and the employer's ledger --------------
    _api(
        "honour_revoke",
        "POST",
        "approve",
        lambda h: f"{BASE}/honours/{h.pk}/revoke",
        _three(_honour),
        data=lambda h: {"reason": "接口撤销"},
        snapshot=_state(Honour),
    ),
    _api("team_ledger", "GET", "view", lambda t: f"{BASE}/honours/teams/{t.pk}", _three(_team)),
    _api(
        "enterprise_ledger",
        "GET",
        "view",
        lambda e: f"{BASE}/honours/enterprises/{e.pk}",
        _three(_enterprise),
    ),
    # --- studios: members, naming, revocation, the yearly appraisal -----------------------
    _api(
        "studio_members",
        "GET",
        "view",
        lambda s: f"{BASE}/studios/{s.pk}/members",
        _three(_studio),
    ),
    _api(
        "studio_member_add",
        "POST",
        "edit",
        lambda s: f"{BASE}/studios/{s.pk}/members",
        _three(_studio),
        data=lambda s: {"member": f.member(s.org).card_number, "joined_on": TODAY.isoformat()},
        snapshot=lambda s: StudioMember.objects.filter(studio=s).count(),
        success=(201,),
    ),
    _api(
        "studio_member_leave",
        "POST",
        "edit",
        lambda r: f"{BASE}/studios/{r.studio_id}/members/{r.pk}/leave",
        _three(_studio_member),
        data=lambda r: {"left_on": TODAY.isoformat()},
        snapshot=_state(StudioMember),
    ),
    _api(
        "studio_name",
        "POST",
        "approve",
        lambda s: f"{BASE}/studios/{s.pk}/name",
        _three(_studio),
        data=lambda s: {"level": "city"},
        snapshot=_state(InnovationStudio),
    ),
    _api(
        "studio_revoke",
        "POST",
        "approve",
        lambda s: f"{BASE}/studios/{s.pk}/revoke",
        _three(_studio),
        data=lambda s: {"reason": "接口撤销"},
        snapshot=_state(InnovationStudio),
    ),
    _api(
        "studio_appraisal_preview",
        "GET",
        "approve",
        lambda s: f"{BASE}/studios/{s.pk}/appraisal?year={TODAY.year - 1}",
        _three(_studio),
    ),
    _api(
        "studio_appraise",
        "POST",
        "approve",
        lambda s: f"{BASE}/studios/{s.pk}/appraisal",
        _three(_studio),
        data=lambda s: {
            "year": TODAY.year - 1,
            "manual_scores": {"sign": "8", "facilities": "12", "rules": "8"},
        },
        snapshot=lambda s: StudioAppraisal.objects.filter(studio=s).count(),
        success=(201,),
    ),
    _api(
        "studio_standards",
        "GET",
        "view",
        lambda t: f"{BASE}/studios/standards",
        _orgs,
        scoped=False,
    ),
    _county_admin_only(
        "studio_standard_set",
        lambda t: f"{BASE}/studios/standards",
        lambda t: {"code": "api", "name": "接口项目", "max_score": 5, "basis": "manual"},
        _count(StandardItem),
    ),
]
