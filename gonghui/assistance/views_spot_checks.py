"""The yearly spot checks (年度抽查): the draws in scope (a township sees its county's, limited
to its own households), one draw's households (the latest unless ?draw= picks another) and
whether each has its spot review, and the county's draw for a year (county approvers only)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from gonghui.assistance import selectors_spot_checks as selectors
from gonghui.assistance import services
from gonghui.assistance.forms_spot_checks import SpotCheckDrawForm
from gonghui.assistance.standards import today
from gonghui.core.errors import ServiceError
from gonghui.core.modules import Action
from gonghui.core.scope import can, requires
from gonghui.core.views_helpers import form_apply_error, posted_org_or_404

MODULE = "assistance"
NOT_A_COUNTY_APPROVER = "抽查名单须由县总工会有审批权限的工作人员抽取。"


@requires(MODULE, Action.VIEW)
def spot_checks(request):
    counties = selectors.drawing_counties(request.user)
    form = SpotCheckDrawForm(
        request.POST or None, counties=counties, initial={"year": today().year}
    )
    if request.method == "POST":
        if not can(request.user, MODULE, Action.APPROVE):
            raise Http404
        if not counties.exists():
            messages.error(request, NOT_A_COUNTY_APPROVER)
            return redirect("assistance:spot_checks")
        posted_org_or_404(request, "county", MODULE, Action.VIEW)
        if form.is_valid():
            data = form.cleaned_data
            try:
                draw = services.spot_check_draw(
                    actor=request.user,
                    county=counties.get(pk=data["county"]),
                    year=data["year"],
                    share=data["share"],
                )
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                messages.success(
                    request,
                    f"已抽取 {draw.org.name} {draw.year} 年抽查名单：在档 "
                    f"{len(draw.population)} 户，抽中 {len(draw.drawn)} 户。",
                )
                return redirect("assistance:spot_checks")
    rows = selectors.draw_rows(request.user, selectors.draw_list(request.user)[:50])
    wanted = request.GET.get("draw", "")
    shown = next((r for r in rows if str(r.draw.pk) == wanted), rows[0] if rows else None)
    drawn = selectors.drawn_archives(request.user, shown.draw) if shown else []
    return render(
        request,
        "assistance/spot_checks.html",
        {
            "rows": rows,
            "shown": shown,
            "partial": any(not r.whole for r in rows),
            "drawn": drawn,
            "reviewed_count": sum(1 for d in drawn if d.review),
            "form": form if counties.exists() else None,
        },
    )
