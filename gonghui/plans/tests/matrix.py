"""Permission-matrix entries for every page and API endpoint of the plans and dashboard apps
(see core/testing/matrix.py). Roles sit at township A; own → A's subtree, sibling → B's,
parent → the county."""

import datetime as dt

from gonghui.core.testing.matrix import Endpoint, Targets, json_text
from gonghui.plans.models import (
    AnnualPlan,
    PilotEnterprise,
    ReformAgent,
    ReformFeedback,
    ReformItem,
    ReformReport,
    ReformVisit,
    Target,
    TargetEvidence,
)
from gonghui.plans.reform.models import JointMeeting
from gonghui.plans.reform.services import reform_item_create
from gonghui.plans.targets.services import plan_create, target_create

M = "plans"


def _townships(tree, actor):
    return Targets(own=tree.a, sibling=tree.b, parent=tree.county)


def _plans(tree, actor):
    return Targets(
        *(
            plan_create(actor=None, org=org, year=2026, title=f"{org.name}矩阵计划")
            for org in (tree.a1, tree.b1, tree.county)
        )
    )


def _township_plans(tree, actor):
    return Targets(
        *(
            plan_create(actor=None, org=org, year=2026, title=f"{org.name}矩阵计划")
            for org in (tree.a, tree.b, tree.county)
        )
    )


def _targets(tree, actor, *, manual=False):
    plans = _township_plans(tree, actor)
    return Targets(
        *(
            target_create(
                actor=None,
                plan=plan,
                org=plan.org,
                name=f"{plan.org.name}矩阵目标",
                measure_code="" if manual else "members.joined",
                value=None if manual else 10,
            )
            for plan in (plans.own, plans.sibling, plans.parent)
        )
    )


def _manual_targets(tree, actor):
    return _targets(tree, actor, manual=True)


def _evidence(tree, actor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.plans.targets.services import target_manual_report

    targets = _manual_targets(tree, actor)
    return Targets(
        *(
            target_manual_report(
                actor=None,
                target=target,
                manual_status="done",
                text="矩阵佐证",
                recorded_on=dt.date(2026, 5, 1),
                upload=SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 matrix"),
            )
            for target in (targets.own, targets.sibling, targets.parent)
        )
    )


def _items(tree, actor):
    return Targets(
        *(
            reform_item_create(
                actor=None,
                org=org,
                kind="task",
                title=f"{org.name}矩阵事项",
                deadline=dt.date(2030, 1, 1),
            )
            for org in (tree.a1, tree.b1, tree.county)
        )
    )


def _meetings(tree, actor):
    from gonghui.plans.reform.services import meeting_create

    return Targets(
        *(
            meeting_create(
                actor=None, org=org, held_on=dt.date(2026, 3, 1), title=f"{org.name}矩阵会议"
            )
            for org in (tree.a1, tree.b1, tree.county)
        )
    )


def _spare_enterprise(org):
    """An enterprise of the org that is no pilot yet (made once per org)."""
    from gonghui.orgs.models import Enterprise
    from gonghui.testing.fixtures import build_enterprise

    found = Enterprise.objects.filter(org=org, name__startswith="矩阵备选").first()
    return found or build_enterprise(org=org, name=f"矩阵备选{org.code}有限公司")


def _split_data(target):
    from gonghui.orgs.models import Org

    children = list(Org.objects.filter(parent=target.org).order_by("code"))
    if not children:
        return {}
    return {f"share_{children[0].pk}": "10"}


def _share_count(target):
    return Target.objects.filter(parent=target).count()


def _report_data(item):
    return {
        "reported_on": "2026-05-01",
        "progress": "40",
        "status": "in_progress",
        "text": "矩阵进展",
    }


def _pilots(tree, actor):
    from gonghui.plans.reform.services import pilot_name
    from gonghui.testing.fixtures import build_enterprise

    return Targets(
        *(
            pilot_name(
                actor=None,
                enterprise=build_enterprise(org=org, name=f"{org.name}矩阵试点企业"),
                named_by=tree.county,
                level="county",
                named_on=dt.date(2026, 3, 1),
            )
            for org in (tree.a1, tree.b1, tree.county)
        )
    )


def _agents(tree, actor):
    """An agent appointed by each org, assigned to an enterprise there, one visit with one
    piece of feedback."""
    from gonghui.plans.reform.services import agent_assign, agent_create, visit_record
    from gonghui.testing.fixtures import build_enterprise

    agents = []
    for org in (tree.a, tree.b, tree.county):
        agent = agent_create(
            actor=None,
            org=org,
            kind="guide",
            name=f"{org.name}矩阵指导员",
            appointed_on=dt.date(2026, 1, 5),
        )
        enterprise = build_enterprise(org=org)
        agent_assign(actor=None, agent=agent, enterprise=enterprise)
        agent.matrix_enterprise = enterprise
        agent.matrix_spare = build_enterprise(org=org)
        visit = visit_record(
            actor=None,
            agent=agent,
            enterprise=enterprise,
            visited_on=dt.date(2026, 2, 1),
            summary="矩阵走访",
            feedback=["矩阵意见"],
        )
        agent.matrix_feedback = visit.feedback.get()
        agents.append(agent)
    return Targets(*agents)


def _feedback(tree, actor):
    agents = _agents(tree, actor)
    return Targets(*(a.matrix_feedback for a in (agents.own, agents.sibling, agents.parent)))


ENDPOINTS = [
    Endpoint(
        "plans.plan_list",
        "GET",
        M,
        "view",
        lambda t: "/plans/",
        _plans,
        marker=lambda p: p.title,
        scoped=False,
    ),
    Endpoint("plans.plan_detail", "GET", M, "view", lambda p: f"/plans/{p.pk}/", _plans),
    Endpoint(
        "plans.plan_export",
        "GET",
        M,
        "export",
        lambda p: f"/plans/{p.pk}/export/?as_of=2026-06-30",
        _plans,
    ),
    Endpoint(
        "plans.plan_create_form",
        "GET",
        M,
        "edit",
        lambda t: "/plans/new/",
        _townships,
        scoped=False,
    ),
    Endpoint(
        "plans.plan_create",
        "POST",
        M,
        "edit",
        lambda t: "/plans/new/",
        _townships,
        data=lambda org: {"org": org.pk, "year": "2027", "title": "矩阵新计划"},
        snapshot=lambda org: AnnualPlan.objects.filter(title="矩阵新计划").count(),
        success=(302,),
    ),
    Endpoint(
        "plans.target_create_form",
        "GET",
        M,
        "edit",
        lambda p: f"/plans/{p.pk}/targets/new/",
        _township_plans,
    ),
    Endpoint(
        "plans.target_create",
        "POST",
        M,
        "edit",
        lambda p: f"/plans/{p.pk}/targets/new/",
        _township_plans,
        data=lambda p: {
            "name": "矩阵新目标",
            "org": p.org_id,
            "measure_code": "members.joined",
            "comparator": "gte",
            "basis": "period",
            "value": "5",
        },
        snapshot=lambda p: Target.objects.filter(name="矩阵新目标").count(),
        success=(302,),
    ),
    Endpoint(
        "plans.target_detail", "GET", M, "view", lambda t: f"/plans/targets/{t.pk}/", _targets
    ),
    Endpoint(
        "plans.target_split_form",
        "GET",
        M,
        "edit",
        lambda t: f"/plans/targets/{t.pk}/split/",
        _targets,
    ),
    Endpoint(
        "plans.target_split",
        "POST",
        M,
        "edit",
        lambda t: f"/plans/targets/{t.pk}/split/",
        _targets,
        data=_split_data,
        snapshot=_share_count,
        success=(302,),
    ),
    Endpoint(
        "plans.target_report_form",
        "GET",
        M,
        "edit",
        lambda t: f"/plans/targets/{t.pk}/report/",
        _manual_targets,
    ),
    Endpoint(
        "plans.target_report",
        "POST",
        M,
        "edit",
        lambda t: f"/plans/targets/{t.pk}/report/",
        _manual_targets,
        data=lambda t: {
            "manual_status": "done",
            "recorded_on": "2026-05-01",
            "text": "矩阵佐证",
        },
        snapshot=lambda t: TargetEvidence.objects.filter(target=t).count(),
        success=(302,),
    ),
    Endpoint(
        "plans.evidence_download",
        "GET",
        M,
        "view",
        lambda e: f"/plans/targets/evidence/{e.pk}/",
        _evidence,
    ),
    Endpoint(
        "plans.reform_list",
        "GET",
        M,
        "view",
        lambda t: "/plans/reform/",
        _items,
        marker=lambda i: i.title,
        scoped=False,
    ),
    Endpoint(
        "plans.reform_create_form",
        "GET",
        M,
        "edit",
        lambda t: "/plans/reform/new/",
        _townships,
        scoped=False,
    ),
    Endpoint(
        "plans.reform_create",
        "POST",
        M,
        "edit",
        lambda t: "/plans/reform/new/",
        _townships,
        data=lambda org: {
            "kind": "problem",
            "title": "矩阵新问题",
            "org": org.pk,
            "deadline": "2026-12-31",
        },
        snapshot=lambda org: ReformItem.objects.filter(title="矩阵新问题").count(),
        success=(302,),
    ),
    Endpoint("plans.reform_detail", "GET", M, "view", lambda i: f"/plans/reform/{i.pk}/", _items),
    Endpoint(
        "plans.reform_report_form",
        "GET",
        M,
        "edit",
        lambda i: f"/plans/reform/{i.pk}/report/",
        _items,
    ),
    Endpoint(
        "plans.reform_report",
        "POST",
        M,
        "edit",
        lambda i: f"/plans/reform/{i.pk}/report/",
        _items,
        data=_report_data,
        snapshot=lambda i: ReformReport.objects.filter(item=i).count(),
        success=(302,),
    ),
    Endpoint(
        "plans.meeting_list",
        "GET",
        M,
        "view",
        lambda t: "/plans/reform/meetings/",
        _meetings,
        marker=lambda m: m.title,
        scoped=False,
    ),
    Endpoint(
        "plans.meeting_create_form",
        "GET",
        M,
        "edit",
        lambda t: "/plans/reform/meetings/new/",
        _townships,
        scoped=False,
    ),
    Endpoint(
        "plans.meeting_create",
        "POST",
        M,
        "edit",
        lambda t: "/plans/reform/meetings/new/",
        _townships,
        data=lambda org: {"org": org.pk, "held_on": "2026-04-01", "title": "矩阵新会议"},
        snapshot=lambda org: JointMeeting.objects.filter(title="矩阵新会议").count(),
        success=(302,),
    ),
    Endpoint(
        "plans.pilot_list",
        "GET",
        M,
        "view",
        lambda t: "/plans/reform/pilots/",
        _pilots,
        marker=lambda p: p.enterprise.name,
        scoped=False,
    ),
    Endpoint(
        "plans.pilot_create_form",
        "GET",
        M,
        "edit",
        lambda t: "/plans/reform/pilots/new/",
        _townships,
        scoped=False,
    ),
    Endpoint(
        "plans.pilot_create",
        "POST",
        M,
        "edit",
        lambda t: "/plans/reform/pilots/new/",
        _townships,
        data=lambda org: {
            "enterprise": _spare_enterprise(org).credit_code,
            "named_by": org.pk,
            "level": "county",
            "named_on": "2026-04-01",
        },
        snapshot=lambda org: PilotEnterprise.objects.filter(named_by=org).count(),
        success=(302,),
    ),
    Endpoint(
        "plans.pilot_detail", "GET", M, "view", lambda p: f"/plans/reform/pilots/{p.pk}/", _pilots
    ),
    Endpoint(
        "plans.agent_list",
        "GET",
        M,
        "view",
        lambda t: "/plans/reform/agents/",
        _agents,
        marker=lambda a: a.name,
        scoped=False,
    ),
    Endpoint(
        "plans.agent_create_form",
        "GET",
        M,
        "edit",
        lambda t: "/plans/reform/agents/new/",
        _townships,
        scoped=False,
    ),
    Endpoint(
        "plans.agent_create",
        "POST",
        M,
        "edit",
        lambda t: "/plans/reform/agents/new/",
        _townships,
        data=lambda org: {
            "kind": "tech",
            "name": "矩阵特派员",
            "org": org.pk,
            "appointed_on": "2026-04-01",
        },
        snapshot=lambda org: ReformAgent.objects.filter(name="矩阵特派员").count(),
        success=(302,),
    ),
    Endpoint(
        "plans.agent_detail", "GET", M, "view", lambda a: f"/plans/reform/agents/{a.pk}/", _agents
    ),
    Endpoint(
        "plans.agent_assign",
        "POST",
        M,
        "edit",
        lambda a: f"/plans/reform/agents/{a.pk}/enterprises/",
        _agents,
        data=lambda a: {"enterprise": a.matrix_spare.credit_code},
        snapshot=lambda a: a.enterprises.count(),
        success=(302,),
    ),
    Endpoint(
        "plans.visit_create",
        "POST",
        M,
        "edit",
        lambda a: f"/plans/reform/agents/{a.pk}/visits/",
        _agents,
        data=lambda a: {
            "enterprise": a.matrix_enterprise.pk,
            "visited_on": "2026-03-01",
            "summary": "矩阵新走访",
            "feedback": "矩阵新意见",
        },
        snapshot=lambda a: ReformVisit.objects.filter(agent=a).count(),
        success=(302,),
    ),
    Endpoint(
        "plans.feedback_problem",
        "POST",
        M,
        "edit",
        lambda f: f"/plans/reform/feedback/{f.pk}/problem/",
        _feedback,
        data=lambda f: {"org": f.visit.agent.org_id, "deadline": "2026-12-31"},
        snapshot=lambda f: ReformFeedback.objects.get(pk=f.pk).item_id,
        success=(302,),
    ),
    Endpoint("dashboard.home", "GET", M, "view", lambda t: "/dashboard/", _townships, scoped=False),
    Endpoint(
        "dashboard.home_org", "GET", M, "view", lambda org: f"/dashboard/?org={org.pk}", _townships
    ),
    Endpoint(
        "dashboard.report_pdf",
        "GET",
        M,
        "view",
        lambda org: f"/dashboard/report.pdf?org={org.pk}&as_of=2026-06-30",
        _townships,
    ),
    # --- API ---
    Endpoint(
        "api.plans.list",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/plans?limit=200",
        _plans,
        api=True,
        marker=lambda p: p.title,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.plans.progress",
        "GET",
        M,
        "view",
        lambda p: f"/api/v1/plans/{p.pk}/progress?as_of=2026-06-30",
        _plans,
        api=True,
    ),
    Endpoint(
        "api.reform.list",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/reform-items?limit=200",
        _items,
        api=True,
        marker=lambda i: i.title,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.reform.report",
        "POST",
        M,
        "edit",
        lambda i: f"/api/v1/reform-items/{i.pk}/reports",
        _items,
        api=True,
        data=lambda i: {
            "reported_on": "2026-05-01",
            "progress": 40,
            "status": "in_progress",
            "text": "接口进展",
        },
        snapshot=lambda i: ReformReport.objects.filter(item=i).count(),
        success=(201,),
    ),
    Endpoint(
        "api.reform.pilots",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/reform-pilots?limit=200",
        _pilots,
        api=True,
        marker=lambda p: p.enterprise.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.reform.agents",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/reform-agents?limit=200",
        _agents,
        api=True,
        marker=lambda a: a.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.reform.visit",
        "POST",
        M,
        "edit",
        lambda a: f"/api/v1/reform-agents/{a.pk}/visits",
        _agents,
        api=True,
        data=lambda a: {
            "enterprise": a.matrix_enterprise.pk,
            "visited_on": "2026-03-01",
            "summary": "接口走访",
            "feedback": ["接口意见"],
        },
        snapshot=lambda a: ReformVisit.objects.filter(agent=a).count(),
        success=(201,),
    ),
    Endpoint(
        "api.measures.list",
        "GET",
        M,
        "view",
        lambda t: "/api/v1/measures",
        _townships,
        api=True,
        scoped=False,
    ),
    Endpoint(
        "api.measures.evaluate",
        "GET",
        M,
        "view",
        lambda org: (
            f"/api/v1/measures/members.joined/evaluate?org={org.pk}&start=2026-01-01&end=2026-06-30"
        ),
        _townships,
        api=True,
    ),
    Endpoint(
        "api.dashboard",
        "GET",
        M,
        "view",
        lambda org: f"/api/v1/dashboard?org={org.pk}&as_of=2026-06-30",
        _townships,
        api=True,
    ),
]
