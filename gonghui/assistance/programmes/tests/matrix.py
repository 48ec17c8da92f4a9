"""Permission-matrix entries for programmes, grants and visits, pages and API.

Targets: a programme owned by township A (own), by township B (sibling) and by the county
(parent, with no allocation to A, so A's staff cannot see it); grants and visits follow the
households at A1 / B1 / the county.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from gonghui.assistance.archives.tests.factories import PNG_BYTES
from gonghui.assistance.models import Grant, Programme, Visit
from gonghui.assistance.programmes import services
from gonghui.assistance.programmes.tests.factories import archived, programme_in, proposed
from gonghui.assistance.visits import services as visits
from gonghui.audit.models import AuditEvent
from gonghui.core.testing.matrix import Endpoint, Targets, json_text

MODULE = "assistance"
NAMES = {"own": "甲镇帮扶项目", "sibling": "乙镇帮扶项目", "parent": "县总帮扶项目"}
HOUSEHOLDS = {"own": "甲镇走访户", "sibling": "乙镇走访户", "parent": "县直走访户"}


def _places(tree):
    return {
        "own": (tree.a, tree.a1),
        "sibling": (tree.b, tree.b1),
        "parent": (tree.county, tree.county),
    }


def _programmes(tree, actor):
    made = {rel: programme_in(owner, name=NAMES[rel]) for rel, (owner, _) in _places(tree).items()}
    return Targets(**made)


def _with_households(tree, actor):
    made = {}
    for rel, (owner, unit) in _places(tree).items():
        programme = programme_in(owner, name=NAMES[rel])
        programme.household = archived(unit, name=HOUSEHOLDS[rel])
        made[rel] = programme
    return Targets(**made)


def _households(tree, actor):
    return Targets(
        **{rel: archived(unit, name=HOUSEHOLDS[rel]) for rel, (_, unit) in _places(tree).items()}
    )


def _grants(approve=False):
    def setup(tree, actor):
        made = {}
        for rel, (owner, unit) in _places(tree).items():
            programme = programme_in(owner, name=NAMES[rel])
            (grant,) = proposed(programme, archived(unit, name=HOUSEHOLDS[rel]))
            if approve:
                services.grants_approve(actor=None, grant_ids=[grant.pk])
                grant.refresh_from_db()
            made[rel] = grant
        return Targets(**made)

    return setup


def _programmes_with_grant(tree, actor):
    targets = _grants()(tree, actor)
    for grant in (targets.own, targets.sibling, targets.parent):
        grant.programme.pending = grant
    return Targets(targets.own.programme, targets.sibling.programme, targets.parent.programme)


def _visits(tree, actor):
    made = {}
    for rel, (_, unit) in _places(tree).items():
        made[rel] = visits.visit_record(
            actor=None,
            archive=archived(unit, name=HOUSEHOLDS[rel]),
            visited_on=datetime.date(2026, 2, 1),
            findings="矩阵走访",
            visitor_names="矩阵",
            photos=[SimpleUploadedFile("门口.png", PNG_BYTES)],
        )
    return Targets(**made)


def _photos(tree, actor):
    targets = _visits(tree, actor)
    return Targets(*(v.photos.get() for v in (targets.own, targets.sibling, targets.parent)))


def _orgs(tree, actor):
    return Targets(own=tree.a, sibling=tree.b, parent=tree.county)


def _grant_state(grant):
    return Grant.objects.filter(pk=grant.pk).values_list("status", "version").first()


def _programme_status(programme):
    return Programme.objects.filter(pk=programme.pk).values_list("status", flat=True).first()


def _programme_grants(programme):
    return list(Grant.objects.filter(programme=programme).values_list("pk", "status"))


ENDPOINTS = [
    Endpoint(
        "programmes.list",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/programmes/",
        _programmes,
        marker=lambda p: p.name,
        scoped=False,
    ),
    Endpoint(
        "programmes.create_form",
        "GET",
        MODULE,
        "edit",
        lambda t: "/assistance/programmes/new/",
        _orgs,
        scoped=False,
    ),
    Endpoint(
        "programmes.create",
        "POST",
        MODULE,
        "edit",
        lambda t: "/assistance/programmes/new/",
        _orgs,
        data=lambda org: {
            "org": org.pk,
            "kind": "warmth",
            "name": "矩阵新项目",
            "year": "2026",
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
            "budget": "1000",
        },
        snapshot=lambda org: Programme.objects.filter(name="矩阵新项目").count(),
        success=(302,),
    ),
    Endpoint(
        "programmes.detail",
        "GET",
        MODULE,
        "view",
        lambda p: f"/assistance/programmes/{p.pk}/",
        _programmes,
    ),
    Endpoint(
        "programmes.rule",
        "POST",
        MODULE,
        "edit",
        lambda p: f"/assistance/programmes/{p.pk}/rule/",
        _programmes,
        data=lambda p: {
            "rule-categories": ["deep"],
            "rule-requires": "none",
            "rule-amount_type": "fixed",
            "rule-fixed_amount": "300",
        },
        snapshot=lambda p: p.rules.count(),
        success=(302,),
    ),
    Endpoint(
        "programmes.budget",
        "POST",
        MODULE,
        "edit",
        lambda p: f"/assistance/programmes/{p.pk}/budget/",
        _programmes,
        data=lambda p: {
            "org": p.org.children.order_by("pk").first().pk,
            "amount": "100",
        },
        snapshot=lambda p: list(p.budgets.values_list("org_id", "amount", "allocated")),
        success=(302,),
    ),
    Endpoint(
        "programmes.eligible",
        "GET",
        MODULE,
        "edit",
        lambda p: f"/assistance/programmes/{p.pk}/eligible/",
        _programmes,
    ),
    Endpoint(
        "programmes.propose",
        "POST",
        MODULE,
        "edit",
        lambda p: f"/assistance/programmes/{p.pk}/eligible/",
        _with_households,
        data=lambda p: {"pick": [f"{p.household.pk}:household"]},
        snapshot=_programme_grants,
        success=(302,),
    ),
    Endpoint(
        "programmes.approve",
        "POST",
        MODULE,
        "approve",
        lambda p: f"/assistance/programmes/{p.pk}/approve/",
        _programmes_with_grant,
        data=lambda p: {"grant": [p.pending.pk]},
        snapshot=_programme_grants,
        success=(302,),
    ),
    Endpoint(
        "programmes.close",
        "POST",
        MODULE,
        "edit",
        lambda p: f"/assistance/programmes/{p.pk}/close/",
        _programmes,
        snapshot=_programme_status,
        success=(302,),
    ),
    Endpoint(
        "services.detail",
        "GET",
        MODULE,
        "view",
        lambda g: f"/assistance/grants/{g.pk}/",
        _grants(),
    ),
    Endpoint(
        "services.disburse",
        "POST",
        MODULE,
        "edit",
        lambda g: f"/assistance/grants/{g.pk}/disburse/",
        _grants(approve=True),
        data=lambda g: {"method": "bank"},
        snapshot=_grant_state,
        success=(302,),
    ),
    Endpoint(
        "services.cancel",
        "POST",
        MODULE,
        "edit",
        lambda g: f"/assistance/grants/{g.pk}/cancel/",
        _grants(),
        data=lambda g: {"reason": "矩阵取消"},
        snapshot=_grant_state,
        success=(302,),
    ),
    Endpoint(
        "visits.list",
        "GET",
        MODULE,
        "view",
        lambda t: "/assistance/visits/",
        _households,
        marker=lambda a: a.name,
        scoped=False,
    ),
    Endpoint(
        "visits.create_form",
        "GET",
        MODULE,
        "edit",
        lambda a: f"/assistance/visits/new/{a.pk}/",
        _households,
    ),
    Endpoint(
        "visits.create",
        "POST",
        MODULE,
        "edit",
        lambda a: f"/assistance/visits/new/{a.pk}/",
        _households,
        data=lambda a: {
            "visited_on": "2026-02-01",
            "findings": "矩阵走访",
            "visitor_names": "矩阵",
        },
        snapshot=lambda a: Visit.objects.filter(archive=a).count(),
        success=(302,),
    ),
    Endpoint(
        "visits.detail",
        "GET",
        MODULE,
        "view",
        lambda v: f"/assistance/visits/{v.pk}/",
        _visits,
    ),
    Endpoint(
        "visits.photo",
        "GET",
        MODULE,
        "view",
        lambda p: f"/assistance/visits/photos/{p.pk}/",
        _photos,
        # each serving is audited; a refused request records nothing
        snapshot=lambda p: AuditEvent.objects.filter(action="unmasked").count(),
    ),
    Endpoint(
        "api.programmes.list",
        "GET",
        MODULE,
        "view",
        lambda t: "/api/v1/programmes?limit=200",
        _programmes,
        api=True,
        marker=lambda p: p.name,
        scoped=False,
        extra={"extract": json_text},
    ),
    Endpoint(
        "api.programmes.detail",
        "GET",
        MODULE,
        "view",
        lambda p: f"/api/v1/programmes/{p.pk}",
        _programmes,
        api=True,
    ),
    Endpoint(
        "api.programmes.eligible",
        "GET",
        MODULE,
        "edit",
        lambda p: f"/api/v1/programmes/{p.pk}/eligible",
        _programmes,
        api=True,
    ),
    Endpoint(
        "api.programmes.grants",
        "GET",
        MODULE,
        "view",
        lambda p: f"/api/v1/programmes/{p.pk}/grants",
        _programmes,
        api=True,
    ),
    Endpoint(
        "api.programmes.propose",
        "POST",
        MODULE,
        "edit",
        lambda p: f"/api/v1/programmes/{p.pk}/grants",
        _with_households,
        api=True,
        data=lambda p: {"archive_ids": [p.household.pk]},
        snapshot=_programme_grants,
        success=(201,),
    ),
    Endpoint(
        "api.programmes.approve",
        "POST",
        MODULE,
        "approve",
        lambda p: f"/api/v1/programmes/{p.pk}/grants/approve",
        _programmes_with_grant,
        api=True,
        data=lambda p: {"grant_ids": [p.pending.pk]},
        snapshot=_programme_grants,
    ),
    Endpoint(
        "api.programmes.close",
        "POST",
        MODULE,
        "edit",
        lambda p: f"/api/v1/programmes/{p.pk}/close",
        _programmes,
        api=True,
        snapshot=_programme_status,
    ),
    Endpoint(
        "api.grants.disburse",
        "POST",
        MODULE,
        "edit",
        lambda g: f"/api/v1/programmes/grants/{g.pk}/disburse",
        _grants(approve=True),
        api=True,
        data=lambda g: {"method": "bank"},
        snapshot=_grant_state,
    ),
]
