"""Permission-matrix entries for the member API, the export and the statistics pages."""

from django.forms.models import model_to_dict

from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint, Targets, json_text, xlsx_text
from gonghui.members.models import Member
from gonghui.members.tests.factories import build_member, make_id_number


def _members(tree, actor):
    return Targets(
        own=build_member(org=tree.a1, name="甲镇接口会员"),
        sibling=build_member(org=tree.b1, name="乙镇接口会员"),
        parent=build_member(org=tree.county, name="县直接口会员"),
    )


def _grassroots(tree, actor):
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _state(member):
    fresh = Member.objects.filter(pk=member.pk).first()
    return None if fresh is None else model_to_dict(fresh)


def _exports():
    return AuditEvent.objects.filter(action="exported").count()


_API_NEW_ID = make_id_number(n=778)

ENDPOINTS = [
    Endpoint(
        "api.members.list",
        "GET",
        "members",
        "view",
        lambda t: "/api/v1/members?limit=200",
        _members,
        api=True,
        marker=lambda m: m.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.members.detail",
        "GET",
        "members",
        "view",
        lambda m: f"/api/v1/members/{m.pk}",
        _members,
        api=True,
    ),
    Endpoint(
        "api.members.create",
        "POST",
        "members",
        "edit",
        lambda t: "/api/v1/members",
        _grassroots,
        api=True,
        data=lambda org: {
            "org_id": org.pk,
            "name": "接口新会员",
            "id_number": _API_NEW_ID,
            "phone": "13700002222",
            "joined_on": "2024-03-01",
        },
        snapshot=lambda org: Member.objects.filter(name="接口新会员").count(),
        success=(201,),
    ),
    Endpoint(
        "api.members.update",
        "PATCH",
        "members",
        "edit",
        lambda m: f"/api/v1/members/{m.pk}",
        _members,
        api=True,
        data=lambda m: {"version": m.version, "name": m.name + "改"},
        snapshot=_state,
    ),
    Endpoint(
        "members.export",
        "GET",
        "members",
        "export",
        lambda t: "/members/export/",
        _members,
        marker=lambda m: m.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "members.export_unmask_form",
        "GET",
        "members",
        "view_sensitive",
        lambda t: "/members/export/?unmask=1",
        _members,
        scoped=False,
    ),
    Endpoint(
        "members.export_unmasked",
        "POST",
        "members",
        "view_sensitive",
        lambda t: "/members/export/",
        _members,
        data=lambda t: {"reason": "核对会员信息"},
        snapshot=lambda t: _exports(),
        marker=lambda m: m.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "members.stats",
        "GET",
        "members",
        "view",
        lambda t: "/members/stats/",
        _members,
        marker=lambda m: m.org.name,
        scoped=False,
    ),
    Endpoint(
        "members.stats_export",
        "GET",
        "members",
        "export",
        lambda t: "/members/stats/export/",
        _members,
        marker=lambda m: m.org.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
]
