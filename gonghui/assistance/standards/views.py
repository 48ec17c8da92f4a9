"""The standards page: the county's 低保 standards and thresholds with their history; county
admins add rows (a new row, never an overwrite)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render

from gonghui.assistance.standards import selectors
from gonghui.assistance.standards.forms import StandardForm, ThresholdsForm
from gonghui.assistance.standards.selectors import (
    is_county_admin,
    thresholds_in_force,
    thresholds_summary,
    today,
)
from gonghui.assistance.standards.services import (
    THRESHOLD_FIELDS,
    THRESHOLD_INT_FIELDS,
    standard_set,
    thresholds_set,
)
from gonghui.core.errors import ServiceError
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error
from gonghui.core.scope import can

MODULE = "assistance"


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


def _thresholds_initial(county) -> dict:
    current = thresholds_in_force(county, today())
    names = (*THRESHOLD_FIELDS, *THRESHOLD_INT_FIELDS)
    return {name: getattr(current, name) for name in names}


@login_required
def standards(request):
    """The county's 低保 standards and thresholds with their history; county admins add rows."""
    _require(request, Action.VIEW)
    histories = selectors.standards_history(request.user)
    admin_counties = [h.county for h in histories if is_county_admin(request.user, h.county)]
    county = admin_counties[0] if admin_counties else None
    standard_form = StandardForm(initial={"year": today().year, "effective_from": today()})
    thresholds_form = ThresholdsForm(
        initial={"effective_from": today(), **_thresholds_initial(county)} if county else None
    )
    if request.method == "POST":
        _require(request, Action.EDIT)
        which = request.POST.get("form")
        if county is None:
            messages.error(request, "只有县总工会管理员可以设置低保标准和帮扶标准参数。")
            return redirect("assistance:standards")
        if which == "standard":
            standard_form = StandardForm(request.POST)
            if standard_form.is_valid():
                try:
                    standard_set(actor=request.user, county=county, **standard_form.cleaned_data)
                except ServiceError as exc:
                    form_apply_error(request, standard_form, exc)
                else:
                    messages.success(request, "已新增低保标准。")
                    return redirect("assistance:standards")
        elif which == "thresholds":
            thresholds_form = ThresholdsForm(request.POST)
            if thresholds_form.is_valid():
                data = dict(thresholds_form.cleaned_data)
                try:
                    thresholds_set(
                        actor=request.user,
                        county=county,
                        effective_from=data.pop("effective_from"),
                        note=data.pop("note"),
                        **data,
                    )
                except ServiceError as exc:
                    form_apply_error(request, thresholds_form, exc)
                else:
                    messages.success(request, "已新增帮扶标准参数。")
                    return redirect("assistance:standards")
        else:
            raise Http404
    return render(
        request,
        "assistance/standards/standards.html",
        {
            "histories": [
                {
                    "h": h,
                    "in_force": thresholds_summary(thresholds_in_force(h.county, today())),
                    "defaults": not h.thresholds,
                }
                for h in histories
            ],
            "county": county,
            "standard_form": standard_form,
            "thresholds_form": thresholds_form,
        },
    )
