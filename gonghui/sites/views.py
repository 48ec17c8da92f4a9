"""Service-site staff pages. A minimal scoped list for now; the staff pages build on it."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from gonghui.core.modules import Action
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can
from gonghui.sites import selectors
from gonghui.sites.models import Facility, SiteKind, SiteStatus

MODULE = "sites"
FILTER_KEYS = ("q", "kind", "status", "facility", "open_now")


@login_required
def site_list(request):
    if not can(request.user, MODULE, Action.VIEW):
        raise Http404
    filters = {k: request.GET.get(k, "").strip() for k in FILTER_KEYS}
    sites = selectors.site_list(
        request.user,
        q=filters["q"],
        kind=filters["kind"],
        status=filters["status"],
        facilities=[filters["facility"]] if filters["facility"] else (),
        open_now=filters["open_now"] == "1",
    ).defer("contact_phone")
    return render(
        request,
        "sites/site_list.html",
        {
            **paginate_peek(request, sites),
            "filters": filters,
            "kind_choices": SiteKind.choices,
            "status_choices": SiteStatus.choices,
            "facility_choices": Facility.choices,
        },
    )
