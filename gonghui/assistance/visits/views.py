"""Regular-visit pages: due/overdue per quarter, record a visit, a visit, its photos."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render

from gonghui.assistance.archives import selectors
from gonghui.assistance.standards.selectors import today
from gonghui.assistance.visits import selectors as selectors_visits
from gonghui.assistance.visits import services as visits
from gonghui.assistance.visits.forms import VisitForm
from gonghui.audit.services import sensitive_view_record
from gonghui.core.errors import ServiceError
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, get_in_scope_or_404, requires
from gonghui.orgs.models import Org

MODULE = "assistance"


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


@requires(MODULE, Action.VIEW)
def visit_list(request):
    """Households not yet visited in the chosen quarter (overdue once it is over)."""
    year, quarter = visits.quarter_parse(request.GET.get("quarter"))
    state = selectors_visits.quarter_state(year, quarter)
    within = None
    if request.GET.get("org", "").isdigit():
        within = get_in_scope_or_404(
            Org.objects.all(), request.user, MODULE, Action.VIEW, pk=int(request.GET["org"])
        )
    q = request.GET.get("q", "").strip()
    due = selectors_visits.visits_due(
        request.user, year=year, quarter=quarter, org=within, q=q
    ).defer("id_number", "phone", "bank_account", "health_detail", "disability_detail")
    current = visits.quarter_of(today())
    quarters = [current]
    for _ in range(4):
        quarters.append(visits.previous_quarter(*quarters[-1]))
    previous = visits.previous_quarter(*current)
    return render(
        request,
        "assistance/visits/visit_list.html",
        {
            **paginate_peek(request, due),
            "state": state,
            "quarters": [selectors_visits.quarter_state(y, n) for y, n in quarters],
            "previous_overdue": selectors_visits.visits_due(
                request.user, year=previous[0], quarter=previous[1]
            ).count()
            if (year, quarter) == current
            else None,
            "previous": selectors_visits.quarter_state(*previous),
            "done": selectors_visits.visits_done(request.user, year=year, quarter=quarter)[:20],
            "q": q,
            "within": within,
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@login_required
def visit_create(request, archive_pk):
    _require(request, Action.EDIT)
    archive = selectors.archive_get(request.user, archive_pk, Action.EDIT)
    photos = request.FILES.getlist("photos")
    form = VisitForm(
        request.POST or None,
        initial={"visited_on": today()},
        check=lambda data: visits.visit_validate(
            actor=request.user, archive=archive, visitors=[request.user], photos=photos, **data
        ),
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            visit = visits.visit_record(
                actor=request.user,
                archive=archive,
                visitors=[request.user],
                photos=photos,
                **data,
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            note = "，档案收支已更新并重新测算类别" if visit.assessment_id else ""
            messages.success(request, f"已记录{visit.quarter_label}走访{note}。")
            return redirect("assistance:visit_detail", pk=visit.pk)
    return render(
        request,
        "assistance/visits/visit_form.html",
        {
            "a": archive,
            "form": form,
            "history": selectors_visits.visit_history(request.user, archive)[:4],
        },
    )


@login_required
def visit_detail(request, pk):
    _require(request, Action.VIEW)
    visit = selectors_visits.visit_get(request.user, pk)
    return render(request, "assistance/visits/visit_detail.html", {"v": visit})


@login_required
def visit_photo(request, pk):
    """Photos show people's homes: served inline to those who may see the visit, and each
    serving audited like an archive attachment's download."""
    _require(request, Action.VIEW)
    photo = selectors_visits.visit_photo_get(request.user, pk)
    sensitive_view_record(
        actor=request.user,
        obj=photo.visit.archive,
        fields=[f"visit_photo:{photo.pk}"],
        reason="查看走访照片",
    )
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    # Photos of homes stay out of shared browser and proxy caches; each viewing is audited.
    response["Cache-Control"] = "private, no-store"
    return response
