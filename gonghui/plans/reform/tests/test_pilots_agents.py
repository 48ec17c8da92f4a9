"""产改 pilot enterprises and the 三员: naming pilots, agents assigned to enterprises in their
org's subtree, visits with feedback, feedback put on the problem list; pages and API."""

import datetime as dt
import json

import pytest

from gonghui.accounts.services import token_create
from gonghui.audit.models import AuditEvent
from gonghui.core.errors import NotFound, ValidationFailed
from gonghui.plans.reform.models import (
    PilotEnterprise,
    ReformFeedback,
    ReformItem,
    ReformKind,
    ReformVisit,
)
from gonghui.plans.reform.services import (
    agent_assign,
    agent_create,
    feedback_to_problem,
    pilot_name,
    visit_record,
)
from gonghui.testing.fixtures import build_enterprise

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def _agent(org, **kw):
    return agent_create(
        actor=None, org=org, kind=kw.get("kind", "guide"), name="沈国平", appointed_on=DAY
    )


def test_a_pilot_is_named_once_inside_the_naming_orgs_subtree_and_scope(tree, users):
    mine = build_enterprise(org=tree.a1)
    other = build_enterprise(org=tree.b1)
    with pytest.raises(NotFound):
        pilot_name(actor=users.township_staff, enterprise=other, named_by=tree.a,
                   level="county", named_on=DAY)  # fmt: skip
    with pytest.raises(ValidationFailed) as info:
        pilot_name(actor=None, enterprise=other, named_by=tree.a, level="x", named_on=None)
    assert info.value.fields == {
        "enterprise": [f"{other.name}不在甲镇总工会的范围内。"],
        "level": ["请选择试点层级。"],
        "named_on": ["请填写确定日期。"],
    }
    pilot = pilot_name(actor=users.township_staff, enterprise=mine, named_by=tree.a,
                       level="county", named_on=DAY, focus="技能评价")  # fmt: skip
    assert (pilot.org, pilot.named_by) == (tree.a1, tree.a)
    assert AuditEvent.objects.filter(object_id=str(pilot.pk), action="created").exists()
    with pytest.raises(ValidationFailed, match="已是产改试点企业"):
        pilot_name(actor=None, enterprise=mine, named_by=tree.county, level="city", named_on=DAY)
    assert PilotEnterprise.objects.count() == 1


def test_visits_need_an_assigned_enterprise_and_feedback_becomes_a_problem(tree, users):
    agent = _agent(tree.a)
    inside, outside = build_enterprise(org=tree.a1), build_enterprise(org=tree.b1)
    with pytest.raises(ValidationFailed, match="不在甲镇总工会的范围内"):
        agent_assign(actor=None, agent=agent, enterprise=outside)
    with pytest.raises(ValidationFailed) as info:
        visit_record(actor=None, agent=agent, enterprise=inside, visited_on=DAY - dt.timedelta(1),
                     summary=" ", feedback=["x" * 301])  # fmt: skip
    assert info.value.fields == {
        "enterprise": [f"沈国平未联系{inside.name}，请先添加联系企业。"],
        "visited_on": ["走访日期早于聘任日期。"],
        "summary": ["请填写走访情况。"],
        "feedback": ["每条意见不超过 300 字。"],
    }
    agent_assign(actor=None, agent=agent, enterprise=inside)
    with pytest.raises(ValidationFailed, match="已联系"):
        agent_assign(actor=None, agent=agent, enterprise=inside)
    assert ReformVisit.objects.count() == 0
    visit = visit_record(actor=None, agent=agent, enterprise=inside, visited_on=DAY,
                         summary="座谈", feedback=["晋升通道不畅", "", "  培训补贴难领 "])  # fmt: skip
    assert visit.org == tree.a1
    feedback = list(visit.feedback.order_by("id"))
    assert [f.text for f in feedback] == ["晋升通道不畅", "培训补贴难领"]
    with pytest.raises(NotFound):  # the grassroots staff's scope (A1) misses A's agent
        feedback_to_problem(actor=users.grassroots_staff, feedback=feedback[0], org=tree.a1,
                            deadline=DAY)  # fmt: skip
    item = feedback_to_problem(actor=users.township_staff, feedback=feedback[0], org=tree.a,
                               deadline=dt.date(2026, 12, 31))  # fmt: skip
    assert (item.kind, item.title, item.org) == (ReformKind.PROBLEM, "晋升通道不畅", tree.a)
    assert item.description == f"来源：产改指导员沈国平 2026-03-02 走访{inside.name}时收集。"
    assert ReformFeedback.objects.get(pk=feedback[0].pk).item == item
    with pytest.raises(ValidationFailed, match="已列入问题清单"):
        feedback_to_problem(actor=None, feedback=feedback[0], org=tree.a, deadline=DAY)
    assert ReformItem.objects.count() == 1


def test_pages_walk_from_agent_to_visit_to_problem(tree, users, login):
    agent = _agent(tree.a)
    enterprise = build_enterprise(org=tree.a1, name="青禾精工有限公司")
    pilot_name(actor=None, enterprise=enterprise, named_by=tree.county, level="city", named_on=DAY)
    client = login(users.township_staff)
    response = client.post(
        f"/plans/reform/agents/{agent.pk}/enterprises/", {"enterprise": enterprise.credit_code}
    )
    assert response.status_code == 302
    response = client.post(
        f"/plans/reform/agents/{agent.pk}/visits/",
        {"enterprise": enterprise.pk, "visited_on": "2026-03-05", "summary": "座谈",
         "feedback": "班组长缺培训\n夜校"},
    )  # fmt: skip
    assert response.status_code == 302
    page = client.get(f"/plans/reform/agents/{agent.pk}/").content.decode()
    assert "试点企业" in page and "班组长缺培训" in page and "列入问题清单" in page
    feedback = ReformFeedback.objects.get(text="班组长缺培训")
    response = client.post(
        f"/plans/reform/feedback/{feedback.pk}/problem/",
        {"org": tree.a.pk, "deadline": "2026-09-30"},
    )
    item = ReformItem.objects.get(title="班组长缺培训")
    assert response["Location"] == f"/plans/reform/{item.pk}/"
    pilot_page = client.get("/plans/reform/pilots/").content.decode()
    assert "青禾精工有限公司" in pilot_page and "市级试点" in pilot_page
    # A bad visit shows every message on the agent's page and writes nothing.
    response = client.post(
        f"/plans/reform/agents/{agent.pk}/visits/",
        {"enterprise": enterprise.pk, "visited_on": "2099-01-01", "summary": ""},
    )
    assert response.status_code == 200
    assert "走访日期不能晚于今天。" in response.content.decode()
    assert ReformVisit.objects.count() == 1


def test_api_lists_and_records_a_visit(client, tree, users):
    agent = _agent(tree.a, kind="tech")
    enterprise = build_enterprise(org=tree.a1)
    agent_assign(actor=None, agent=agent, enterprise=enterprise)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token_create(user=users.township_staff, name='t')}"}
    listed = client.get("/api/v1/reform-agents", **auth).json()["items"]
    assert [(a["name"], a["kind"], a["enterprise_count"]) for a in listed] == [
        ("沈国平", "tech", 1)
    ]
    body = {"enterprise": enterprise.pk, "visited_on": "2026-03-05", "summary": "走访",
            "feedback": ["意见一"]}  # fmt: skip
    url = f"/api/v1/reform-agents/{agent.pk}/visits"
    response = client.post(url, json.dumps(body), content_type="application/json", **auth)
    assert response.status_code == 201
    assert response.json()["feedback"] == ["意见一"]
    other = build_enterprise(org=tree.a1)
    response = client.post(
        url, json.dumps({**body, "enterprise": other.pk}), content_type="application/json", **auth
    )
    assert response.status_code == 422
    assert "未联系" in response.content.decode()
    assert ReformVisit.objects.count() == 1
