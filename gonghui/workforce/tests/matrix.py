"""Permission-matrix entries for every workforce page (see gonghui/core/testing/matrix.py).

Targets: own in township A's subtree (A1), sibling in B1, parent at the county. Competitions
shown to the unions below their organiser once approved are built as plans here, so that
the parent's one stays out of A's sight (tests/test_views.py covers the area visibility).
"""

import datetime

from django.forms.models import model_to_dict

from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint, Targets, xlsx_text
from gonghui.workforce.choices import ContestLevel
from gonghui.workforce.competitions.models import (
    Award,
    AwardSource,
    Competition,
    CompetitionKind,
    CompetitionStatus,
    Entry,
    ProjectParticipant,
    ProjectScore,
    Quota,
    Score,
    Trade,
)
from gonghui.workforce.honours.models import Honour
from gonghui.workforce.innovations import services as innovation_services
from gonghui.workforce.innovations.models import (
    InnovationReview,
    SmallInnovation,
    Suggestion,
)
from gonghui.workforce.mentorships import services as mentorship_services
from gonghui.workforce.mentorships.models import Ceremony, Checkpoint, Mentorship
from gonghui.workforce.pioneers import services as pioneer_services
from gonghui.workforce.pioneers.models import (
    EmployerIncident,
    ExcellentTeam,
    Nomination,
    Team,
    TeamTraining,
)
from gonghui.workforce.studios import services as studio_services
from gonghui.workforce.studios.models import InnovationStudio, StudioReport
from gonghui.workforce.tests import factories as f

TODAY = datetime.date.today()
M = "workforce"


def _three(build):
    def setup(tree, actor):
        return Targets(
            own=build(tree.a1, "甲镇"),
            sibling=build(tree.b1, "乙镇"),
            parent=build(tree.county, "县直"),
        )

    return setup


def _orgs(tree, actor):
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _state(model):
    def snapshot(obj):
        fresh = model.objects.filter(pk=obj.pk).first()
        return None if fresh is None else model_to_dict(fresh)

    return snapshot


def _count(model, **filters):
    return lambda _target: model.objects.filter(**filters).count()


def _exports():
    return AuditEvent.objects.filter(action="exported").count()


# --- builders -------------------------------------------------------------------------------


def _competition(status):
    def build(org, place):
        return f.competition(
            org, status=status, name=f"{place}矩阵竞赛", level=ContestLevel.ENTERPRISE
        )

    return build


def _entry_plan(org, place):
    comp = f.competition(
        org, status=CompetitionStatus.PLAN, name=f"{place}导出竞赛", level=ContestLevel.ENTERPRISE
    )
    return f.entry(comp, f.member(org, name=f"{place}导出选手"))


def _entry(org, place):
    comp = f.competition(org, name=f"{place}报名竞赛", level=ContestLevel.ENTERPRISE)
    return f.entry(comp, f.member(org, name=f"{place}选手"))


def _award(org, place):
    title = f.title("技术能手")
    comp = f.competition(
        org, name=f"{place}授予竞赛", level=ContestLevel.ENTERPRISE, titles=[title]
    )
    entry = f.entry(comp, f.member(org))
    return Award.objects.create(entry=entry, title=title, source=AwardSource.MANUAL, note="矩阵")


def _participant(org, place):
    comp = f.competition(
        org, kind=CompetitionKind.PROJECT, name=f"{place}工程竞赛", level=ContestLevel.ENTERPRISE
    )
    return ProjectParticipant.objects.create(
        org=org, competition=comp, enterprise=f.enterprise(org), section=place
    )


def _team(org, place):
    return pioneer_services.team_create(
        actor=None,
        enterprise=f.covered_enterprise(org, has_union=True),
        name=f"{place}矩阵班组",
        kind="crew",
    )


def _nomination(org, place):
    return pioneer_services.nomination_create(
        actor=None,
        org=org,
        kind="pioneer",
        level="county",
        year=TODAY.year,
        team=_team(org, place),
        deeds="事迹",
        workers_heard_on=TODAY,
        workers_heard_note="班组会",
    )


def _excellent(org, place):
    return pioneer_services.excellent_team_propose(
        actor=None, team=_team(org, place), year=TODAY.year
    )


def _training(org, place):
    return pioneer_services.training_record(
        actor=None, org=org, held_on=TODAY, topic=f"{place}矩阵培训", trainer="王工", attendees=10
    )


def _incident(org, place):
    return pioneer_services.incident_record(
        actor=None,
        enterprise=f.enterprise(org, name=f"{place}矩阵不良单位"),
        kind="safety_accident",
        occurred_on=TODAY,
        description="事故",
    )


def _studio(org, place):
    studio = studio_services.studio_create(
        actor=None,
        lead=f.member(org),
        host=f.enterprise(org),
        name=f"{place}矩阵工作室",
        kind="staff",
        founded_on=TODAY,
    )
    return studio_services.studio_name(actor=None, studio=studio, level="county")


def _mentorship(org, place):
    return mentorship_services.mentorship_create(
        actor=None,
        master=f.member(org, name=f"{place}师傅"),
        apprentice=f.member(org, name=f"{place}徒弟"),
        trade=f.trade(),
        signed_on=TODAY,
        starts_on=TODAY,
        ends_on=TODAY + datetime.timedelta(days=365),
        goals="目标",
    )


def _ceremony(org, place):
    return mentorship_services.ceremony_create(
        actor=None, org=org, name=f"{place}矩阵拜师仪式", held_on=TODAY
    )


def _innovation(org, place):
    return innovation_services.innovation_submit(
        actor=None,
        member=f.member(org),
        category="innovation",
        title=f"{place}矩阵成果",
        description="改进了一个工装夹具的结构。",
        year=TODAY.year,
    )


def _attachment(org, place):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return innovation_services.attachment_add(
        actor=None,
        innovation=_innovation(org, place),
        upload=SimpleUploadedFile("说明.pdf", b"%PDF-1.4 matrix"),
    )


def _suggestion(org, place):
    return innovation_services.suggestion_submit(
        actor=None,
        member=f.member(org),
        title=f"{place}矩阵建议",
        content="建议错峰用电，节约电费开支。",
    )


def _honour(org, place):
    from gonghui.workforce.honours.services import honour_record

    return honour_record(
        actor=None,
        kind="medal",
        name=f"{place}矩阵奖章",
        level="city",
        awarded_on=TODAY,
        member=f.member(org, name=f"{place}获奖人"),
    )


def _member(org, place):
    return f.member(org, name=f"{place}台账会员")


def _enterprise(org, place):
    return f.enterprise(org, name=f"{place}台账单位有限公司")


def _competition_form(org):
    trade = f.trade()
    return {
        "org": org.pk,
        "name": "矩阵新竞赛",
        "kind": "drill",
        "level": "enterprise",
        "contest_class": "other",
        "starts_on": TODAY.isoformat(),
        "ends_on": TODAY.isoformat(),
        "trades": [trade.pk],
        "theory_weight": 0,
        "practical_weight": 100,
        "rounds": 1,
        "round_rule": "sum",
        "missing_round": "exclude",
        "score_max": 100,
    }


def _nomination_form(org):
    team = _team(org, "新推荐")
    return {
        "org": org.pk,
        "kind": "pioneer",
        "level": "county",
        "year": TODAY.year,
        "team": team.pk,
        "deeds": "矩阵推荐事迹",
        "workers_heard_on": TODAY.isoformat(),
        "workers_heard_note": "班组会",
    }


def _training_form(org):
    return {
        "org": org.pk,
        "held_on": TODAY.isoformat(),
        "topic": "矩阵新培训",
        "trainer": "李工",
        "attendees": 12,
        "hours": "2",
    }


def _ceremony_form(org):
    return {"org": org.pk, "name": "矩阵新仪式", "held_on": TODAY.isoformat()}


def _page(name, method, action, url, setup, **kwargs):
    return Endpoint(f"workforce.{name}", method, M, action, url, setup, **kwargs)


def _list(name, url, setup, marker):
    return _page(name, "GET", "view", lambda t: url, setup, marker=marker, scoped=False)


ENDPOINTS = [
    # --- competitions --------------------------------------------------------------------------
    _list(
        "competitions",
        "/workforce/competitions/",
        _three(_competition(CompetitionStatus.PLAN)),
        lambda c: c.name,
    ),
    _page(
        "competition_new",
        "GET",
        "edit",
        lambda t: "/workforce/competitions/new/",
        _orgs,
        scoped=False,
    ),
    _page(
        "competition_create",
        "POST",
        "edit",
        lambda t: "/workforce/competitions/new/",
        _orgs,
        data=_competition_form,
        snapshot=_count(Competition, name="矩阵新竞赛"),
        success=(302,),
    ),
    _page(
        "competition_detail",
        "GET",
        "view",
        lambda c: f"/workforce/competitions/{c.pk}/",
        _three(_competition(CompetitionStatus.PLAN)),
    ),
    _page(
        "competition_edit_form",
        "GET",
        "edit",
        lambda c: f"/workforce/competitions/{c.pk}/edit/",
        _three(_competition(CompetitionStatus.PLAN)),
    ),
    _page(
        "competition_edit",
        "POST",
        "edit",
        lambda c: f"/workforce/competitions/{c.pk}/edit/",
        _three(_competition(CompetitionStatus.PLAN)),
        data=lambda c: {**_competition_form(c.org), "name": c.name + "改", "version": c.version},
        snapshot=_state(Competition),
        success=(302,),
    ),
    _page(
        "competition_step",
        "POST",
        "approve",
        lambda c: f"/workforce/competitions/{c.pk}/step/approve/",
        _three(_competition(CompetitionStatus.PLAN)),
        snapshot=_state(Competition),
        success=(302,),
    ),
    _page(
        "entry_new",
        "GET",
        "edit",
        lambda c: f"/workforce/competitions/{c.pk}/entries/new/",
        _three(_competition(CompetitionStatus.PLAN)),
    ),
    _page(
        "entry_create",
        "POST",
        "edit",
        lambda c: f"/workforce/competitions/{c.pk}/entries/new/",
        _three(_competition(CompetitionStatus.PLAN)),
        data=lambda c: {"member": f.member(c.org).card_number, "trade": c.trades.first().pk},
        snapshot=lambda c: Entry.objects.filter(competition=c).count(),
        success=(422,),  # a plan takes no registrations: the form answers with the reason
    ),
    _page(
        "quota_set",
        "POST",
        "edit",
        lambda c: f"/workforce/competitions/{c.pk}/quotas/",
        _three(_competition(CompetitionStatus.APPROVED)),
        data=lambda c: {"org": c.org_id, "places": 3},
        snapshot=lambda c: Quota.objects.filter(competition=c).count(),
        success=(302,),
    ),
    _page(
        "score_sheet",
        "GET",
        "edit",
        lambda c: f"/workforce/competitions/{c.pk}/scores/",
        _three(_competition(CompetitionStatus.RUNNING)),
    ),
    _page(
        "score_save",
        "POST",
        "edit",
        lambda e: f"/workforce/competitions/{e.competition_id}/scores/",
        _three(_entry),
        data=lambda e: {"trade": e.trade_id, "round": 1, f"t-{e.pk}": "80", f"p-{e.pk}": "90"},
        snapshot=lambda e: Score.objects.filter(entry=e).count(),
        success=(302,),
    ),
    _page(
        "results_export",
        "GET",
        "export",
        lambda e: f"/workforce/competitions/{e.competition_id}/export/",
        _three(_entry_plan),
        marker=lambda e: e.member.name,
        extra={"extract": xlsx_text},
    ),
    _page(
        "participant_add",
        "POST",
        "edit",
        lambda p: f"/workforce/competitions/{p.competition_id}/participants/",
        _three(_participant),
        data=lambda p: {"enterprise": f.enterprise(p.org).credit_code, "section": "二标"},
        snapshot=lambda p: ProjectParticipant.objects.filter(
            competition_id=p.competition_id
        ).count(),
        success=(302,),
    ),
    _page(
        "project_score",
        "POST",
        "edit",
        lambda p: f"/workforce/competitions/participants/{p.pk}/scores/",
        _three(_participant),
        data=lambda p: {"period": TODAY.isoformat(), "progress": "90"},
        snapshot=lambda p: ProjectScore.objects.filter(participant=p).count(),
        success=(302,),
    ),
    _page(
        "entry_withdraw",
        "POST",
        "edit",
        lambda e: f"/workforce/competitions/entries/{e.pk}/withdraw/",
        _three(_entry),
        data=lambda e: {"reason": "矩阵"},
        snapshot=_state(Entry),
        success=(302,),
    ),
    _page(
        "award_grant",
        "POST",
        "approve",
        lambda e: f"/workforce/competitions/entries/{e.pk}/award/",
        _three(_entry),
        data=lambda e: {"grade_steps": 1, "note": "矩阵"},
        snapshot=lambda e: Award.objects.filter(entry=e).count(),
        success=(302,),
    ),
    _page(
        "award_remove",
        "POST",
        "approve",
        lambda a: f"/workforce/competitions/awards/{a.pk}/remove/",
        _three(_award),
        snapshot=lambda a: Award.objects.filter(pk=a.pk).count(),
        success=(302,),
    ),
    # --- teams, nominations, 优秀班组, trainings, incidents -------------------------------------
    _list("nominations", "/workforce/nominations/", _three(_nomination), lambda n: n.team.name),
    _page(
        "nomination_new",
        "GET",
        "edit",
        lambda t: "/workforce/nominations/new/",
        _orgs,
        scoped=False,
    ),
    _page(
        "nomination_create",
        "POST",
        "edit",
        lambda t: "/workforce/nominations/new/",
        _orgs,
        data=_nomination_form,
        snapshot=_count(Nomination, deeds="矩阵推荐事迹"),
        success=(302,),
    ),
    _page(
        "nomination_detail",
        "GET",
        "view",
        lambda n: f"/workforce/nominations/{n.pk}/",
        _three(_nomination),
    ),
    _page(
        "nomination_act",
        "POST",
        "approve",
        lambda n: f"/workforce/nominations/{n.pk}/act/review/",
        _three(_nomination),
        data=lambda n: {"note": "同意"},
        snapshot=_state(Nomination),
        success=(302,),
    ),
    _list("teams", "/workforce/teams/", _three(_team), lambda t: t.name),
    _page("team_new", "GET", "edit", lambda t: "/workforce/teams/new/", _orgs, scoped=False),
    _page(
        "team_create",
        "POST",
        "edit",
        lambda t: "/workforce/teams/new/",
        _three(_enterprise),
        data=lambda e: {"enterprise": e.credit_code, "name": "矩阵新班组", "kind": "crew"},
        snapshot=_count(Team, name="矩阵新班组"),
        success=(302,),
        scoped=False,
    ),
    _page(
        "team_edit_form", "GET", "edit", lambda t: f"/workforce/teams/{t.pk}/edit/", _three(_team)
    ),
    _page(
        "team_edit",
        "POST",
        "edit",
        lambda t: f"/workforce/teams/{t.pk}/edit/",
        _three(_team),
        data=lambda t: {"name": t.name + "改", "kind": "crew", "headcount": 5},
        snapshot=_state(Team),
        success=(302,),
    ),
    _list("excellent", "/workforce/excellent-teams/", _three(_excellent), lambda e: e.team.name),
    _page(
        "excellent_new",
        "GET",
        "edit",
        lambda t: "/workforce/excellent-teams/new/",
        _orgs,
        scoped=False,
    ),
    _page(
        "excellent_create",
        "POST",
        "edit",
        lambda t: "/workforce/excellent-teams/new/",
        _three(_team),
        data=lambda t: {"team": t.pk, "year": TODAY.year, "level": "county"},
        snapshot=_count(ExcellentTeam),
        success=(302,),
        scoped=False,
    ),
    _page(
        "excellent_decide",
        "POST",
        "approve",
        lambda e: f"/workforce/excellent-teams/{e.pk}/decide/",
        _three(_excellent),
        data=lambda e: {"selected": "1"},
        snapshot=_state(ExcellentTeam),
        success=(302,),
    ),
    _list("trainings", "/workforce/trainings/", _three(_training), lambda t: t.topic),
    _page(
        "training_new", "GET", "edit", lambda t: "/workforce/trainings/new/", _orgs, scoped=False
    ),
    _page(
        "training_create",
        "POST",
        "edit",
        lambda t: "/workforce/trainings/new/",
        _orgs,
        data=_training_form,
        snapshot=_count(TeamTraining, topic="矩阵新培训"),
        success=(302,),
    ),
    _list("incidents", "/workforce/incidents/", _three(_incident), lambda i: i.enterprise.name),
    _page(
        "incident_new", "GET", "edit", lambda t: "/workforce/incidents/new/", _orgs, scoped=False
    ),
    _page(
        "incident_create",
        "POST",
        "edit",
        lambda t: "/workforce/incidents/new/",
        _three(_enterprise),
        data=lambda e: {
            "enterprise": e.credit_code,
            "kind": "mass_incident",
            "occurred_on": TODAY.isoformat(),
            "description": "矩阵新记录",
        },
        snapshot=_count(EmployerIncident, description="矩阵新记录"),
        success=(302,),
        scoped=False,
    ),
    # --- studios -------------------------------------------------------------------------------
    _list("studios", "/workforce/studios/", _three(_studio), lambda s: s.name),
    _page("studio_new", "GET", "edit", lambda t: "/workforce/studios/new/", _orgs, scoped=False),
    _page(
        "studio_create",
        "POST",
        "edit",
        lambda t: "/workforce/studios/new/",
        _three(_enterprise),
        data=lambda e: {
            "name": "矩阵新工作室",
            "kind": "staff",
            "lead": f.member(e.org).card_number,
            "host": e.credit_code,
            "founded_on": TODAY.isoformat(),
        },
        snapshot=_count(InnovationStudio, name="矩阵新工作室"),
        success=(302,),
        scoped=False,
    ),
    _page("studio_detail", "GET", "view", lambda s: f"/workforce/studios/{s.pk}/", _three(_studio)),
    _page(
        "studio_edit_form",
        "GET",
        "edit",
        lambda s: f"/workforce/studios/{s.pk}/edit/",
        _three(_studio),
    ),
    _page(
        "studio_edit",
        "POST",
        "edit",
        lambda s: f"/workforce/studios/{s.pk}/edit/",
        _three(_studio),
        data=lambda s: {
            "name": s.name + "改",
            "kind": s.kind,
            "founded_on": s.founded_on.isoformat(),
            "site": "矩阵场所",
        },
        snapshot=_state(InnovationStudio),
        success=(302,),
    ),
    _page(
        "studio_log",
        "POST",
        "edit",
        lambda s: f"/workforce/studios/{s.pk}/log/report/",
        _three(_studio),
        data=lambda s: {
            "year": TODAY.year,
            "quarter": "1",
            "activities": 2,
            "summary": "活动",
            "submitted_on": TODAY.isoformat(),
        },
        snapshot=lambda s: StudioReport.objects.filter(studio=s).count(),
        success=(302,),
    ),
    _page(
        "studio_decide",
        "POST",
        "approve",
        lambda s: f"/workforce/studios/{s.pk}/decide/revoke/",
        _three(_studio),
        data=lambda s: {"reason": "矩阵撤销"},
        snapshot=_state(InnovationStudio),
        success=(302,),
    ),
    _page(
        "studio_appraisal",
        "GET",
        "approve",
        lambda s: f"/workforce/studios/{s.pk}/appraisal/",
        _three(_studio),
    ),
    _page(
        "studio_appraise",
        "POST",
        "approve",
        lambda s: f"/workforce/studios/{s.pk}/appraisal/",
        _three(_studio),
        data=lambda s: {"year": TODAY.year - 1, "sign": "8", "facilities": "12", "rules": "8"},
        snapshot=lambda s: s.appraisals.count(),
        success=(302,),
    ),
    # --- mentorships ---------------------------------------------------------------------------
    _list("mentorships", "/workforce/mentorships/", _three(_mentorship), lambda m: m.master.name),
    _page(
        "mentorship_new",
        "GET",
        "edit",
        lambda t: "/workforce/mentorships/new/",
        _orgs,
        scoped=False,
    ),
    _page(
        "mentorship_create",
        "POST",
        "edit",
        lambda t: "/workforce/mentorships/new/",
        _orgs,
        data=lambda org: {
            "master": f.member(org).card_number,
            "apprentice": f.member(org, name="矩阵新徒弟").card_number,
            "trade": f.trade().pk,
            "signed_on": TODAY.isoformat(),
            "starts_on": TODAY.isoformat(),
            "ends_on": (TODAY + datetime.timedelta(days=200)).isoformat(),
            "goals": "目标",
        },
        snapshot=_count(Mentorship, apprentice__name="矩阵新徒弟"),
        success=(302,),
        scoped=False,
    ),
    _page(
        "mentorship_detail",
        "GET",
        "view",
        lambda m: f"/workforce/mentorships/{m.pk}/",
        _three(_mentorship),
    ),
    _page(
        "mentorship_log",
        "POST",
        "edit",
        lambda m: f"/workforce/mentorships/{m.pk}/log/checkpoint/",
        _three(_mentorship),
        data=lambda m: {
            "title": "矩阵节点",
            "due_on": (TODAY + datetime.timedelta(days=30)).isoformat(),
        },
        snapshot=lambda m: Checkpoint.objects.filter(mentorship=m).count(),
        success=(302,),
    ),
    _page(
        "mentorship_appraise",
        "POST",
        "approve",
        lambda m: f"/workforce/mentorships/{m.pk}/appraise/",
        _three(_mentorship),
        data=lambda m: {"result": "pass", "appraised_on": TODAY.isoformat()},
        snapshot=_state(Mentorship),
        success=(302,),
    ),
    _list("ceremonies", "/workforce/mentorships/ceremonies/", _three(_ceremony), lambda c: c.name),
    _page(
        "ceremony_new",
        "GET",
        "edit",
        lambda t: "/workforce/mentorships/ceremonies/new/",
        _orgs,
        scoped=False,
    ),
    _page(
        "ceremony_create",
        "POST",
        "edit",
        lambda t: "/workforce/mentorships/ceremonies/new/",
        _orgs,
        data=_ceremony_form,
        snapshot=_count(Ceremony, name="矩阵新仪式"),
        success=(302,),
    ),
    _page(
        "ceremony_detail",
        "GET",
        "view",
        lambda c: f"/workforce/mentorships/ceremonies/{c.pk}/",
        _three(_ceremony),
    ),
    # --- 五小 and suggestions ------------------------------------------------------------------
    _list("innovations", "/workforce/innovations/", _three(_innovation), lambda i: i.title),
    _page(
        "innovation_new",
        "GET",
        "edit",
        lambda t: "/workforce/innovations/new/",
        _orgs,
        scoped=False,
    ),
    _page(
        "innovation_create",
        "POST",
        "edit",
        lambda t: "/workforce/innovations/new/",
        _orgs,
        data=lambda org: {
            "category": "design",
            "title": "矩阵新成果",
            "member": f.member(org).card_number,
            "year": TODAY.year,
            "description": "设计了一个新的工具定置柜。",
        },
        snapshot=_count(SmallInnovation, title="矩阵新成果"),
        success=(302,),
        scoped=False,
    ),
    _page(
        "innovation_detail",
        "GET",
        "view",
        lambda i: f"/workforce/innovations/{i.pk}/",
        _three(_innovation),
    ),
    _page(
        "innovation_log",
        "POST",
        "edit",
        lambda i: f"/workforce/innovations/{i.pk}/log/review/",
        _three(_innovation),
        data=lambda i: {"score": "85"},
        snapshot=lambda i: InnovationReview.objects.filter(innovation=i).count(),
        success=(302,),
    ),
    _page(
        "innovation_decide",
        "POST",
        "approve",
        lambda i: f"/workforce/innovations/{i.pk}/decide/",
        _three(_innovation),
        data=lambda i: {"award": "", "level": "county"},
        snapshot=_state(SmallInnovation),
        success=(302,),
    ),
    _page(
        "attachment_download",
        "GET",
        "view",
        lambda a: f"/workforce/innovations/attachments/{a.pk}/",
        _three(_attachment),
    ),
    _list(
        "suggestions", "/workforce/innovations/suggestions/", _three(_suggestion), lambda s: s.title
    ),
    _page(
        "suggestion_new",
        "GET",
        "edit",
        lambda t: "/workforce/innovations/suggestions/new/",
        _orgs,
        scoped=False,
    ),
    _page(
        "suggestion_create",
        "POST",
        "edit",
        lambda t: "/workforce/innovations/suggestions/new/",
        _orgs,
        data=lambda org: {
            "member": f.member(org).card_number,
            "title": "矩阵新建议",
            "content": "建议推广电子交接班记录。",
            "year": TODAY.year,
        },
        snapshot=_count(Suggestion, title="矩阵新建议"),
        success=(302,),
        scoped=False,
    ),
    _page(
        "suggestion_detail",
        "GET",
        "view",
        lambda s: f"/workforce/innovations/suggestions/{s.pk}/",
        _three(_suggestion),
    ),
    _page(
        "suggestion_decide",
        "POST",
        "approve",
        lambda s: f"/workforce/innovations/suggestions/{s.pk}/decide/",
        _three(_suggestion),
        data=lambda s: {"adopted": "1", "benefit": "100"},
        snapshot=_state(Suggestion),
        success=(302,),
    ),
    # --- honours ledger ------------------------------------------------------------------------
    _list("honours", "/workforce/honours/", _three(_honour), lambda h: h.name),
    _page(
        "honour_export",
        "GET",
        "export",
        lambda t: "/workforce/honours/export/",
        _three(_honour),
        marker=lambda h: h.name,
        scoped=False,
        snapshot=lambda h: _exports(),
        extra={"extract": xlsx_text},
    ),
    _page("honour_new", "GET", "edit", lambda t: "/workforce/honours/new/", _orgs, scoped=False),
    _page(
        "honour_create",
        "POST",
        "edit",
        lambda t: "/workforce/honours/new/",
        _orgs,
        data=lambda org: {
            "kind": "craftsman",
            "name": "矩阵新荣誉",
            "level": "city",
            "awarded_on": TODAY.isoformat(),
            "member": f.member(org).card_number,
        },
        snapshot=_count(Honour, name="矩阵新荣誉"),
        success=(302,),
        scoped=False,
    ),
    _page(
        "honour_revoke",
        "POST",
        "approve",
        lambda h: f"/workforce/honours/{h.pk}/revoke/",
        _three(_honour),
        data=lambda h: {"reason": "矩阵撤销"},
        snapshot=_state(Honour),
        success=(302,),
    ),
    _page(
        "member_ledger",
        "GET",
        "view",
        lambda m: f"/workforce/honours/members/{m.pk}/",
        _three(_member),
    ),
    _page(
        "team_ledger", "GET", "view", lambda t: f"/workforce/honours/teams/{t.pk}/", _three(_team)
    ),
    _page(
        "enterprise_ledger",
        "GET",
        "view",
        lambda e: f"/workforce/honours/enterprises/{e.pk}/",
        _three(_enterprise),
    ),
    # --- statistics and settings ---------------------------------------------------------------
    _page("stats", "GET", "view", lambda t: "/workforce/stats/", _orgs, scoped=False),
    _page(
        "stats_export",
        "GET",
        "export",
        lambda t: "/workforce/stats/export/",
        _orgs,
        scoped=False,
        snapshot=lambda t: _exports(),
    ),
    _page("settings", "GET", "view", lambda t: "/workforce/settings/", _orgs, scoped=False),
    # Every role sits at township A: none is a county admin, so the change is refused with a
    # message (302) and nothing is written; test_settings.py covers the county admin.
    _page(
        "settings_save",
        "POST",
        "edit",
        lambda t: "/workforce/settings/trade/",
        _orgs,
        data=lambda t: {"name": "矩阵新工种"},
        snapshot=_count(Trade, name="矩阵新工种"),
        success=(302,),
        scoped=False,
    ),
]
