"""The employer's rights file: search employers (with the risk flag), and one page per
employer where its union, contracts, offers, wage findings and letters, legal-aid cases and
inspections meet, with the computed, explained rights-risk flag."""

from django.shortcuts import render

from gonghui.core.modules import Action
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, requires
from gonghui.rights.employers import selectors
from gonghui.rights.shared import MODULE
from gonghui.rights.views import filters, get_int


@requires(MODULE, Action.VIEW)
def employer_list(request):
    chosen = filters(request.GET, ("q", "risk", "township"))
    rows = selectors.employer_list(
        request.user,
        q=chosen["q"],
        risk_only=chosen["risk"] == "1",
        township=get_int(request.GET, "township"),
    )
    context = paginate_peek(request, rows)
    page = context["page_obj"]
    statuses = selectors.employer_rights_status([e.pk for e in page])
    for enterprise in page:
        enterprise.rights = statuses.get(enterprise.pk)
    return render(
        request,
        "rights/employers/employer_list.html",
        {**context, "filters": chosen, "townships": selectors.township_choices(request.user)},
    )


@requires(MODULE, Action.VIEW)
def employer_file(request, pk):
    file = selectors.employer_file(request.user, pk)
    return render(
        request,
        "rights/employers/employer_file.html",
        {
            "file": file,
            "e": file.enterprise,
            "status": file.status,
            "on": file.on,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )
