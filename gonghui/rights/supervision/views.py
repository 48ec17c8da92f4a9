"""Labour-law supervision pages: supervisors (list, appoint) and inspections (list, record,
detail with its findings, which run the 一函两书 ladder)."""

from django.shortcuts import render
from django.urls import reverse

from gonghui.core.modules import Action
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.orgs.models import OrgLevel
from gonghui.rights.employers.selectors import (
    enterprise_rights_scoped,
    org_choices,
    township_choices,
)
from gonghui.rights.shared import MODULE, today
from gonghui.rights.supervision import forms, selectors, services
from gonghui.rights.views import filters, form_page, get_int

INSPECTIONS = ("劳动法律监督", "/rights/supervision/")
SUPERVISORS = ("监督员", "/rights/supervision/supervisors/")


@requires(MODULE, Action.VIEW)
def inspection_list(request):
    chosen = filters(request.GET, ("q", "township"))
    rows = selectors.inspection_list(
        request.user, q=chosen["q"], township=get_int(request.GET, "township")
    )
    return render(
        request,
        "rights/supervision/inspection_list.html",
        {
            **paginate_peek(request, rows),
            "filters": chosen,
            "townships": township_choices(request.user),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def inspection_create(request):
    enterprise = None
    if get_int(request.GET, "enterprise"):
        enterprise = (
            enterprise_rights_scoped(request.user, Action.EDIT)
            .filter(pk=get_int(request.GET, "enterprise"))
            .first()
        )
    form = forms.InspectionForm(
        request.POST or None,
        user=request.user,
        supervisors=selectors.supervisors_for(request.user),
        initial={
            "inspected_on": today(),
            "enterprise": enterprise.credit_code if enterprise else "",
        },
        check=lambda d: services.inspection_validate(actor=request.user, **d),
    )
    return form_page(
        request,
        form,
        title="登记监督检查",
        crumbs=[INSPECTIONS],
        on_valid=lambda d: services.inspection_record(actor=request.user, **d),
        success=lambda i: reverse("rights:inspection_detail", args=[i.pk]),
        message=lambda i: "已登记检查。" + ("请登记发现的问题。" if i.result == "issues" else ""),
    )


@requires(MODULE, Action.VIEW)
def inspection_detail(request, pk):
    inspection = selectors.inspection_get(request.user, pk)
    return render(
        request,
        "rights/supervision/inspection_detail.html",
        {
            "i": inspection,
            "supervisors": list(inspection.supervisors.only("id", "name")),
            "findings": list(inspection.findings.order_by("id")),
            "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, inspection.org),
        },
    )


@requires(MODULE, Action.VIEW)
def supervisor_list(request):
    return render(
        request,
        "rights/supervision/supervisor_list.html",
        {
            **paginate_peek(request, selectors.supervisor_list(request.user)),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def supervisor_create(request):
    form = forms.SupervisorForm(
        request.POST or None,
        orgs=list(org_choices(request.user).filter(level__lte=OrgLevel.GRASSROOTS)),
        initial={"appointed_on": today()},
        check=lambda d: services.supervisor_validate(actor=request.user, **d),
    )
    return form_page(
        request,
        form,
        title="聘任劳动法律监督员",
        crumbs=[INSPECTIONS, SUPERVISORS],
        on_valid=lambda d: services.supervisor_appoint(actor=request.user, **d),
        success=lambda s: reverse("rights:supervisor_list"),
        message="已聘任监督员。",
    )
