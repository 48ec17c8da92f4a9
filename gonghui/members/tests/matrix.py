"""Permission-matrix entries for the member registry pages (see core/testing/matrix.py)."""

from django.forms.models import model_to_dict

from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint, Targets
from gonghui.members.models import Member
from gonghui.members.tests.factories import build_member, make_id_number


def _members(tree, actor):
    return Targets(
        own=build_member(org=tree.a1, name="甲镇矩阵会员"),
        sibling=build_member(org=tree.b1, name="乙镇矩阵会员"),
        parent=build_member(org=tree.county, name="县直矩阵会员"),
    )


def _grassroots(tree, actor):
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _state(member):
    fresh = Member.objects.filter(pk=member.pk).first()
    if fresh is None:
        return None
    state = model_to_dict(fresh)
    state["events"] = fresh.events.count()
    return state


_NEW_ID = make_id_number(n=777)


def _edit_data(m):
    return {
        "name": m.name + "改",
        "id_number": m.id_number,
        "phone": "13900009999",
        "ethnicity": m.ethnicity,
        "political_status": m.political_status,
        "skill_level": m.skill_level,
        "hukou_type": m.hukou_type,
        "employment_form": "courier",
        "joined_on": m.joined_on.isoformat(),
        "version": m.version,
    }


ENDPOINTS = [
    Endpoint(
        "members.list",
        "GET",
        "members",
        "view",
        lambda t: "/members/",
        _members,
        marker=lambda m: m.name,
        scoped=False,
    ),
    Endpoint(
        "members.search_pinyin",
        "GET",
        "members",
        "view",
        lambda t: "/members/?q=jiazhen",  # pinyin prefix of 甲镇矩阵会员 only
        _members,
        marker=lambda m: m.name,
        scoped=False,
    ),
    Endpoint(
        "members.search_last4",
        "GET",
        "members",
        "view",
        lambda t: "/members/?q=1234",
        _members,
        marker=lambda m: m.name,
        scoped=False,
    ),
    Endpoint("members.detail", "GET", "members", "view", lambda m: f"/members/{m.pk}/", _members),
    Endpoint(
        "members.card", "GET", "members", "view", lambda m: f"/members/{m.pk}/card/", _members
    ),
    Endpoint(
        "members.create_form",
        "GET",
        "members",
        "edit",
        lambda t: "/members/new/",
        _members,
        scoped=False,
    ),
    Endpoint(
        "members.create",
        "POST",
        "members",
        "edit",
        lambda t: "/members/new/",
        _grassroots,
        data=lambda org: {
            "org": org.pk,
            "name": "矩阵新会员",
            "id_number": _NEW_ID,
            "phone": "13700001111",
            "ethnicity": "01",
            "political_status": "masses",
            "skill_level": "none",
            "hukou_type": "urban",
            "employment_form": "standard",
            "joined_on": "2024-03-01",
        },
        snapshot=lambda org: Member.objects.filter(name="矩阵新会员").count(),
        success=(302,),
    ),
    Endpoint(
        "members.edit_form",
        "GET",
        "members",
        "edit",
        lambda m: f"/members/{m.pk}/edit/",
        _members,
    ),
    Endpoint(
        "members.edit",
        "POST",
        "members",
        "edit",
        lambda m: f"/members/{m.pk}/edit/",
        _members,
        data=_edit_data,
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "members.deactivate_form",
        "GET",
        "members",
        "edit",
        lambda m: f"/members/{m.pk}/deactivate/",
        _members,
    ),
    Endpoint(
        "members.deactivate",
        "POST",
        "members",
        "edit",
        lambda m: f"/members/{m.pk}/deactivate/",
        _members,
        data=lambda m: {"reason": "调离本单位"},
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "members.unmask",
        "POST",
        "members",
        "view_sensitive",
        lambda m: f"/members/{m.pk}/unmask/",
        _members,
        data=lambda m: {"reason": "核实身份"},
        snapshot=lambda m: AuditEvent.objects.filter(action="unmasked").count(),
    ),
]
