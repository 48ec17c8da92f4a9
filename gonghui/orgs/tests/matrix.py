"""Permission-matrix entries for the org tree and employer pages (see core/testing/matrix.py)."""

from django.forms.models import model_to_dict
from stdnum.cn import uscc

from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint, Targets, json_text, xlsx_text
from gonghui.orgs.models import Enterprise, Org, OrgLevel, OrgType
from gonghui.orgs.services import org_create, org_deactivate


def _org_state(org):
    fresh = Org.objects.filter(pk=org.pk).first()
    return model_to_dict(fresh) if fresh else None


def _enterprise_state(enterprise):
    fresh = Enterprise.objects.filter(pk=enterprise.pk).first()
    return model_to_dict(fresh) if fresh else None


def _grassroots(tree, actor):
    return Targets(own=tree.a1, sibling=tree.b1, parent=tree.county)


def _grassroots_and_county_unit(tree, actor):
    # The county's own name legitimately shows as the parent of township A, so the
    # "parent" probe for lists is another unit directly under the county.
    return Targets(own=tree.a1, sibling=tree.b1, parent=_sub_unit(tree.county, "县直属机关工会"))


def _townships(tree, actor):
    return Targets(own=tree.a, sibling=tree.b, parent=tree.county)


def _sub_unit(parent, name, **kwargs):
    return org_create(
        actor=None,
        parent=parent,
        name=name,
        type=OrgType.ENTERPRISE,
        level=OrgLevel.SUB_UNIT if parent.level == OrgLevel.GRASSROOTS else OrgLevel.GRASSROOTS,
        **kwargs,
    )


def _movables(tree, actor):
    # A sub-unit under A1 can move to AE (both in A's subtree); the others are out of scope.
    return Targets(
        own=_sub_unit(tree.a1, "甲一村车间分会"),
        sibling=_sub_unit(tree.b1, "乙一村车间分会"),
        parent=_sub_unit(tree.county, "县直机关工会"),
    )


def _empties(tree, actor):
    return Targets(
        own=_sub_unit(tree.a1, "待删除甲"),
        sibling=_sub_unit(tree.b1, "待删除乙"),
        parent=_sub_unit(tree.county, "待删除县"),
    )


def _inactive(tree, actor):
    targets = _empties(tree, actor)
    for org in (targets.own, targets.sibling, targets.parent):
        org_deactivate(actor=None, org=org, reason="测试")
        org.refresh_from_db()
    return targets


def _enterprises(tree, actor):
    from gonghui.testing.fixtures import build_enterprise

    return Targets(
        own=build_enterprise(org=tree.a1, name="甲镇矩阵企业有限公司"),
        sibling=build_enterprise(org=tree.b1, name="乙镇矩阵企业有限公司"),
        parent=build_enterprise(org=tree.county, name="县直矩阵企业有限公司"),
    )


def _org_count_under(org):
    return Org.objects.filter(path__startswith=org.path).count()


_NEW_CREDIT_CODE = "91999001MA0000001" + uscc.calc_check_digit("91999001MA0000001")

ENDPOINTS = [
    Endpoint(
        "orgs.tree",
        "GET",
        "orgs",
        "view",
        lambda t: "/orgs/",
        _townships,
        marker=lambda o: o.name,
        scoped=False,
    ),
    Endpoint(
        "orgs.tree_children", "GET", "orgs", "view", lambda o: f"/orgs/{o.pk}/children/", _townships
    ),
    Endpoint(
        "orgs.list",
        "GET",
        "orgs",
        "view",
        lambda t: "/orgs/list/",
        _grassroots_and_county_unit,
        marker=lambda o: o.name,
        scoped=False,
    ),
    Endpoint("orgs.detail", "GET", "orgs", "view", lambda o: f"/orgs/{o.pk}/", _grassroots),
    Endpoint(
        "orgs.create_form", "GET", "orgs", "edit", lambda t: "/orgs/new/", _grassroots, scoped=False
    ),
    Endpoint(
        "orgs.create",
        "POST",
        "orgs",
        "edit",
        lambda t: "/orgs/new/",
        _townships,
        data=lambda parent: {
            "parent": parent.pk,
            "name": "矩阵新建工会",
            "type": "community",
            "level": 6,
        },
        snapshot=_org_count_under,
        success=(302,),
    ),
    Endpoint("orgs.edit_form", "GET", "orgs", "edit", lambda o: f"/orgs/{o.pk}/edit/", _grassroots),
    Endpoint(
        "orgs.edit",
        "POST",
        "orgs",
        "edit",
        lambda o: f"/orgs/{o.pk}/edit/",
        _grassroots,
        data=lambda o: {
            "name": o.name + "(改)",
            "type": o.type,
            "level": o.level,
            "version": o.version,
        },
        snapshot=_org_state,
        success=(302,),
    ),
    Endpoint("orgs.move_form", "GET", "orgs", "edit", lambda o: f"/orgs/{o.pk}/move/", _movables),
    Endpoint(
        "orgs.move",
        "POST",
        "orgs",
        "edit",
        lambda o: f"/orgs/{o.pk}/move/",
        _movables,
        data=lambda o: {"new_parent": Org.objects.get(code="999001002").pk},
        snapshot=_org_state,
        success=(302,),
    ),
    Endpoint(
        "orgs.deactivate",
        "POST",
        "orgs",
        "edit",
        lambda o: f"/orgs/{o.pk}/deactivate/",
        _empties,
        data=lambda o: {"reason": "合并撤销"},
        snapshot=_org_state,
        success=(302,),
    ),
    Endpoint(
        "orgs.reactivate",
        "POST",
        "orgs",
        "edit",
        lambda o: f"/orgs/{o.pk}/reactivate/",
        _inactive,
        snapshot=_org_state,
        success=(302,),
    ),
    Endpoint(
        "orgs.delete",
        "POST",
        "orgs",
        "edit",
        lambda o: f"/orgs/{o.pk}/delete/",
        _empties,
        snapshot=_org_state,
        success=(302,),
    ),
    Endpoint(
        "orgs.export",
        "GET",
        "orgs",
        "export",
        lambda t: "/orgs/export/",
        _grassroots_and_county_unit,
        marker=lambda o: o.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "orgs.autocomplete",
        "GET",
        "orgs",
        "view",
        lambda t: "/orgs/autocomplete/?q=工会",
        _grassroots_and_county_unit,
        marker=lambda o: o.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "enterprises.list",
        "GET",
        "orgs",
        "view",
        lambda t: "/orgs/enterprises/",
        _enterprises,
        marker=lambda e: e.name,
        scoped=False,
    ),
    Endpoint(
        "enterprises.detail",
        "GET",
        "orgs",
        "view",
        lambda e: f"/orgs/enterprises/{e.pk}/",
        _enterprises,
    ),
    Endpoint(
        "enterprises.create_form",
        "GET",
        "orgs",
        "edit",
        lambda t: "/orgs/enterprises/new/",
        _enterprises,
        scoped=False,
    ),
    Endpoint(
        "enterprises.create",
        "POST",
        "orgs",
        "edit",
        lambda t: "/orgs/enterprises/new/",
        _grassroots,
        data=lambda org: {
            "name": "矩阵登记有限公司",
            "credit_code": _NEW_CREDIT_CODE,
            "org": org.pk,
            "industry": "C",
            "size": "small",
            "economic_type": "private",
            "employee_count": 10,
            "status": "active",
        },
        snapshot=lambda org: Enterprise.objects.filter(name="矩阵登记有限公司").count(),
        success=(302,),
    ),
    Endpoint(
        "enterprises.edit_form",
        "GET",
        "orgs",
        "edit",
        lambda e: f"/orgs/enterprises/{e.pk}/edit/",
        _enterprises,
    ),
    Endpoint(
        "enterprises.edit",
        "POST",
        "orgs",
        "edit",
        lambda e: f"/orgs/enterprises/{e.pk}/edit/",
        _enterprises,
        data=lambda e: {
            "name": e.name + "改",
            "credit_code": e.credit_code,
            "org": e.org_id,
            "industry": e.industry,
            "size": e.size,
            "economic_type": e.economic_type,
            "employee_count": 99,
            "status": e.status,
            "version": e.version,
        },
        snapshot=_enterprise_state,
        success=(302,),
    ),
    Endpoint(
        "enterprises.unmask",
        "POST",
        "orgs",
        "view_sensitive",
        lambda e: f"/orgs/enterprises/{e.pk}/unmask/",
        _enterprises,
        data=lambda e: {"reason": "核实联系方式"},
        snapshot=lambda e: AuditEvent.objects.filter(action="unmasked").count(),
    ),
    Endpoint(
        "enterprises.export",
        "GET",
        "orgs",
        "export",
        lambda t: "/orgs/enterprises/export/",
        _enterprises,
        marker=lambda e: e.name,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
    Endpoint(
        "enterprises.autocomplete",
        "GET",
        "orgs",
        "view",
        lambda t: "/orgs/enterprises/autocomplete/?q=矩阵",
        _enterprises,
        marker=lambda e: e.name,
        scoped=False,
        extra={"extract": json_text},
    ),
]


# --- API -----------------------------------------------------------------------------

_API_CREDIT_CODE = "91999001MA0000002" + uscc.calc_check_digit("91999001MA0000002")

ENDPOINTS += [
    Endpoint(
        "api.orgs.list",
        "GET",
        "orgs",
        "view",
        lambda t: "/api/v1/orgs?limit=200",
        _grassroots_and_county_unit,
        api=True,
        marker=lambda o: o.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.orgs.detail",
        "GET",
        "orgs",
        "view",
        lambda o: f"/api/v1/orgs/{o.pk}",
        _grassroots,
        api=True,
    ),
    Endpoint(
        "api.orgs.children",
        "GET",
        "orgs",
        "view",
        lambda o: f"/api/v1/orgs/{o.pk}/children",
        _townships,
        api=True,
    ),
    Endpoint(
        "api.orgs.create",
        "POST",
        "orgs",
        "edit",
        lambda t: "/api/v1/orgs",
        _townships,
        api=True,
        data=lambda parent: {
            "parent_id": parent.pk,
            "name": "接口新建工会",
            "type": "community",
            "level": 6,
        },
        snapshot=_org_count_under,
        success=(201,),
    ),
    Endpoint(
        "api.orgs.update",
        "PATCH",
        "orgs",
        "edit",
        lambda o: f"/api/v1/orgs/{o.pk}",
        _grassroots,
        api=True,
        data=lambda o: {"version": o.version, "name": o.name + "(接口改)"},
        snapshot=_org_state,
    ),
    Endpoint(
        "api.orgs.move",
        "POST",
        "orgs",
        "edit",
        lambda o: f"/api/v1/orgs/{o.pk}/move",
        _movables,
        api=True,
        data=lambda o: {"new_parent_id": Org.objects.get(code="999001002").pk},
        snapshot=_org_state,
    ),
    Endpoint(
        "api.orgs.deactivate",
        "POST",
        "orgs",
        "edit",
        lambda o: f"/api/v1/orgs/{o.pk}/deactivate",
        _empties,
        api=True,
        data=lambda o: {"reason": "接口撤销"},
        snapshot=_org_state,
    ),
    Endpoint(
        "api.enterprises.list",
        "GET",
        "orgs",
        "view",
        lambda t: "/api/v1/enterprises?limit=200",
        _enterprises,
        api=True,
        marker=lambda e: e.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.enterprises.detail",
        "GET",
        "orgs",
        "view",
        lambda e: f"/api/v1/enterprises/{e.pk}",
        _enterprises,
        api=True,
    ),
    Endpoint(
        "api.enterprises.create",
        "POST",
        "orgs",
        "edit",
        lambda t: "/api/v1/enterprises",
        _grassroots,
        api=True,
        data=lambda org: {
            "name": "接口登记有限公司",
            "credit_code": _API_CREDIT_CODE,
            "org_id": org.pk,
            "industry": "C",
            "size": "small",
        },
        snapshot=lambda org: Enterprise.objects.filter(name="接口登记有限公司").count(),
        success=(201,),
    ),
    Endpoint(
        "api.enterprises.update",
        "PATCH",
        "orgs",
        "edit",
        lambda e: f"/api/v1/enterprises/{e.pk}",
        _enterprises,
        api=True,
        data=lambda e: {"version": e.version, "employee_count": 321},
        snapshot=_enterprise_state,
    ),
]
