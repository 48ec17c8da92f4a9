"""Permission-matrix entries for the annual statistical return pages (core/testing/matrix.py)."""

from gonghui.core.testing.matrix import Endpoint, Targets
from gonghui.dashboard.models import AnnualReturn
from gonghui.dashboard.returns.services import return_create

M = "plans"


def _townships(tree, actor):
    return Targets(own=tree.a, sibling=tree.b, parent=tree.county)


def _returns(tree, actor):
    return Targets(
        *(return_create(actor=None, org=o, year=2026) for o in (tree.a1, tree.b1, tree.county))
    )


def _township_returns(tree, actor):
    return Targets(
        *(return_create(actor=None, org=o, year=2026) for o in (tree.a, tree.b, tree.county))
    )


def _issued(annual):
    return AnnualReturn.objects.filter(
        year=annual.year, org__path__startswith=annual.org.path
    ).count()


def _state(annual):
    fresh = AnnualReturn.objects.get(pk=annual.pk)
    return (fresh.status, fresh.values, fresh.snapshot_at)


ENDPOINTS = [
    Endpoint(
        "dashboard.return_list",
        "GET",
        M,
        "view",
        lambda t: "/dashboard/returns/",
        _returns,
        marker=lambda r: f'href="/dashboard/returns/{r.pk}/"',
        scoped=False,
    ),
    Endpoint(
        "dashboard.return_create",
        "POST",
        M,
        "edit",
        lambda t: "/dashboard/returns/",
        _townships,
        data=lambda org: {"org": org.pk, "year": "2026"},
        snapshot=lambda org: AnnualReturn.objects.filter(org=org).count(),
        success=(302,),
    ),
    Endpoint(
        "dashboard.return_detail",
        "GET",
        M,
        "view",
        lambda r: f"/dashboard/returns/{r.pk}/",
        _returns,
    ),
    Endpoint(
        "dashboard.return_entry",
        "POST",
        M,
        "edit",
        lambda r: f"/dashboard/returns/{r.pk}/",
        _returns,
        data=lambda r: {"S1": "3"},
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "dashboard.return_refresh",
        "POST",
        M,
        "edit",
        lambda r: f"/dashboard/returns/{r.pk}/refresh/",
        _returns,
        snapshot=_state,
        success=(302,),
    ),
    Endpoint(
        "dashboard.return_submit",
        "POST",
        M,
        "edit",
        lambda r: f"/dashboard/returns/{r.pk}/submit/",
        _returns,
        snapshot=lambda r: AnnualReturn.objects.get(pk=r.pk).status,
        success=(302,),
    ),
    Endpoint(
        "dashboard.return_export",
        "GET",
        M,
        "export",
        lambda r: f"/dashboard/returns/{r.pk}/export/",
        _returns,
    ),
    Endpoint(
        "dashboard.return_grassroots",
        "GET",
        M,
        "view",
        lambda r: f"/dashboard/returns/{r.pk}/grassroots/?show=all",
        _township_returns,
    ),
    Endpoint(
        "dashboard.return_grassroots_export",
        "GET",
        M,
        "export",
        lambda r: f"/dashboard/returns/{r.pk}/grassroots/export/",
        _township_returns,
    ),
    Endpoint(
        "dashboard.return_issue",
        "POST",
        M,
        "edit",
        lambda r: f"/dashboard/returns/{r.pk}/issue/",
        _township_returns,
        snapshot=_issued,
        success=(302,),
    ),
]
