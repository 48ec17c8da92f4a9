"""Legal-aid pages: staff (list, detail masked with an audited unmask, register, accept or
refuse, assign, progress notes, materials, close, lawyers' roster, settings) and the
workers' portal (apply at phone size, rate-limited; progress and feedback by ID number and
phone)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.errors import NotFound, ServiceError
from gonghui.core.forms import ReasonForm
from gonghui.core.modules import Action
from gonghui.core.pages import date_range_param, form_apply_error, org_param_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.ratelimit import hit_over_limit, ip_allowed
from gonghui.core.request_context import client_ip
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.orgs.models import OrgLevel, OrgStatus, township_q
from gonghui.rights.employers.selectors import org_choices, township_choices
from gonghui.rights.legalaid import forms, selectors, services
from gonghui.rights.legalaid.models import AidKind, AidStatus
from gonghui.rights.shared import MODULE, today
from gonghui.rights.views import file_response, filters, form_page, get_int, post_action

CASES = ("法律援助", "/rights/legal-aid/")
# Public limits per client address: applications and progress look-ups.
APPLY_LIMIT, LOOKUP_LIMIT, WINDOW = 5, 20, 3600
DONE_KEY = "legal_aid_done"


def _crumbs(case=None):
    crumbs = [CASES]
    if case is not None:
        crumbs.append((case.number, reverse("rights:case_detail", args=[case.pk])))
    return crumbs


@requires(MODULE, Action.VIEW)
def case_list(request):
    chosen = filters(request.GET, ("q", "state", "kind", "township"))
    rows = selectors.case_list(
        request.user,
        q=chosen["q"],
        state=chosen["state"],
        kind=chosen["kind"],
        township=get_int(request.GET, "township"),
        org=(within := org_param_or_404(request, MODULE)),
        dated=(dates := date_range_param(request, selectors.DATED)).dated,
        date_from=dates.start,
        date_to=dates.end,
    )
    return render(
        request,
        "rights/legalaid/case_list.html",
        {
            **paginate_peek(request, rows),
            "filters": chosen,
            "within": within,
            "dates": dates,
            "dated_choices": selectors.DATED.items(),
            "states": selectors.STATES.items(),
            "kinds": AidKind.choices,
            "townships": township_choices(request.user),
            "on": today(),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


def _detail(request, case, **extra):
    return render(
        request,
        "rights/legalaid/case_detail.html",
        {
            "c": case,
            "masked": selectors.case_masked(case),
            "notes": list(case.notes.select_related("author")),
            "attachments": list(case.attachments.all()),
            "on": today(),
            "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, case.org),
            "can_unmask": org_in_scope(request.user, MODULE, Action.VIEW_SENSITIVE, case.org),
            "unmask_form": ReasonForm(),
            "attachment_form": forms.AttachmentForm(),
            **extra,
        },
    )


@requires(MODULE, Action.VIEW)
def case_detail(request, pk):
    return _detail(request, selectors.case_get(request.user, pk))


@require_POST
@requires(MODULE, Action.VIEW_SENSITIVE)
def case_unmask(request, pk):
    case = selectors.case_get(request.user, pk, Action.VIEW_SENSITIVE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "查看完整信息须填写事由。")
        return redirect("rights:case_detail", pk=case.pk)
    services.case_unmask(actor=request.user, case=case, reason=form.cleaned_data["reason"])
    return _detail(request, case, plain=True, unmask_form=None)


@requires(MODULE, Action.EDIT)
def case_create(request):
    orgs = list(org_choices(request.user))
    form = forms.CaseForm(
        request.POST or None,
        user=request.user,
        orgs=orgs,
        initial={"applied_on": today()},
        check=lambda d: services.application_validate(**d),
    )
    return form_page(
        request,
        form,
        title="登记法律援助申请",
        crumbs=_crumbs(),
        submit="登记",
        on_valid=lambda d: services.case_register(
            actor=request.user,
            **{k: v for k, v in d.items() if k != "enterprise"},
            enterprise=d.get("enterprise"),
        ),
        success=lambda c: reverse("rights:case_detail", args=[c.pk]),
        message=lambda c: f"已登记申请，案件编号 {c.number}。",
    )


def _edit_case(request, pk):
    return selectors.case_get(request.user, pk, Action.EDIT)


@requires(MODULE, Action.EDIT)
def case_decide(request, pk):
    case = _edit_case(request, pk)
    form = forms.DecideForm(request.POST or None, initial={"on": today(), "version": case.version})
    return form_page(
        request,
        form,
        title="受理决定",
        crumbs=_crumbs(case),
        on_valid=lambda d: services.case_decide(actor=request.user, case=case, **d),
        success=lambda c: reverse("rights:case_detail", args=[c.pk]),
        message=lambda c: (
            "已受理，请指派承办人。" if c.status == AidStatus.ACCEPTED else "已决定不予受理。"
        ),
    )


@requires(MODULE, Action.EDIT)
def case_assign(request, pk):
    case = _edit_case(request, pk)
    users, lawyers = services.assignee_choices(case)
    form = forms.AssignForm(
        request.POST or None,
        users=users,
        lawyers=lawyers,
        initial={
            "on": today(),
            "version": case.version,
            "handled_elsewhere": case.handled_elsewhere,
        },
    )

    def assign(data):
        kind, _, raw = (data.pop("assignee") or "").partition(":")
        user = next((u for u in users if str(u.pk) == raw), None) if kind == "user" else None
        lawyer = (
            next((lw for lw in lawyers if str(lw.pk) == raw), None) if kind == "lawyer" else None
        )
        return services.case_assign(actor=request.user, case=case, user=user, lawyer=lawyer, **data)

    return form_page(
        request,
        form,
        title="指派承办人",
        crumbs=_crumbs(case),
        intro="可指派数据范围包括本案件的工作人员，或本地区援助律师名册中的律师；办结期限按工作日计算。",
        on_valid=assign,
        success=lambda c: reverse("rights:case_detail", args=[c.pk]),
        message=lambda c: f"已指派，办结期限 {c.deadline:%Y-%m-%d}。",
    )


@requires(MODULE, Action.EDIT)
def case_note(request, pk):
    case = _edit_case(request, pk)
    form = forms.NoteForm(request.POST or None, initial={"noted_on": today()})
    return form_page(
        request,
        form,
        title="登记办理进展",
        crumbs=_crumbs(case),
        on_valid=lambda d: services.case_note_add(actor=request.user, case=case, **d),
        success=lambda n: reverse("rights:case_detail", args=[case.pk]) + "#notes",
        message="已登记进展。",
    )


@requires(MODULE, Action.EDIT)
def case_close(request, pk):
    case = _edit_case(request, pk)
    form = forms.CloseForm(
        request.POST or None, initial={"closed_on": today(), "version": case.version}
    )
    return form_page(
        request,
        form,
        title="结案",
        crumbs=_crumbs(case),
        submit="结案",
        on_valid=lambda d: services.case_close(actor=request.user, case=case, **d),
        success=lambda c: reverse("rights:case_detail", args=[c.pk]),
        message="已结案。",
    )


@require_POST
@requires(MODULE, Action.EDIT)
def case_attachment_add(request, pk):
    case = _edit_case(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    back = reverse("rights:case_detail", args=[case.pk]) + "#attachments"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    return post_action(
        request,
        lambda: services.case_attachment_add(
            actor=request.user, case=case, upload=form.cleaned_data["file"]
        ),
        success=back,
        message="材料已上传。",
    )


@requires(MODULE, Action.VIEW)
def case_attachment(request, pk, file_pk):
    """Applicants' papers are personal: each download is audited and never cached."""
    case = selectors.case_get(request.user, pk)
    try:
        attachment = services.case_attachment_open(
            actor=request.user, case=case, attachment_id=file_pk
        )
    except NotFound as exc:
        raise Http404 from exc
    return file_response(attachment, personal=True)


@requires(MODULE, Action.VIEW)
def lawyer_list(request):
    return render(
        request,
        "rights/legalaid/lawyer_list.html",
        {
            **paginate_peek(request, selectors.lawyer_list(request.user)),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def lawyer_create(request):
    form = forms.LawyerForm(
        request.POST or None,
        orgs=list(org_choices(request.user).filter(level__lte=OrgLevel.TOWNSHIP)),
    )
    return form_page(
        request,
        form,
        title="添加援助律师",
        crumbs=[CASES, ("援助律师", reverse("rights:lawyer_list"))],
        on_valid=lambda d: services.lawyer_create(actor=request.user, **d),
        success=lambda lw: reverse("rights:lawyer_list"),
        message="已添加律师。",
    )


@requires(MODULE, Action.VIEW)
def legal_aid_settings(request):
    """The county's legal-aid settings: editable at the county, read-only below it."""
    county = request.user.org
    while county is not None and county.level > OrgLevel.COUNTY:
        county = county.parent
    if county is None:
        raise Http404
    current = services.county_settings(county)
    if not org_in_scope(request.user, MODULE, Action.EDIT, county):
        if request.method == "POST":
            raise Http404
        rows = [
            ("须提交经济困难证明", "是" if current.income_proof_required else "否"),
            ("办结期限(工作日)", current.deadline_working_days),
        ]
        return render(
            request,
            "rights/settings_view.html",
            {"title": "法律援助设置", "crumbs": [CASES], "rows": rows, "county": county},
        )
    form = forms.SettingsForm(
        request.POST or None,
        initial={
            "income_proof_required": current.income_proof_required,
            "deadline_working_days": current.deadline_working_days,
        },
    )
    return form_page(
        request,
        form,
        title="法律援助设置",
        crumbs=[CASES],
        on_valid=lambda d: services.legal_aid_settings_save(actor=request.user, county=county, **d),
        success=lambda s: reverse("rights:case_list"),
        message="设置已保存。",
    )


# --- the workers' portal (public, phone-first) ---------------------------------------------


def _townships():
    from gonghui.orgs.models import Org

    return list(Org.objects.filter(township_q(), status=OrgStatus.ACTIVE).order_by("code"))


def _limited(request, name: str, limit: int) -> bool:
    ip = client_ip(request)
    if ip_allowed(ip):
        return False
    return hit_over_limit(f"legal_aid:{name}:{ip}", limit, WINDOW)


def portal_apply(request):
    townships = _townships()
    form = forms.PortalApplyForm(
        request.POST or None,
        request.FILES or None,
        townships=townships,
        check=lambda d: services.application_validate(org=townships[0] if townships else None, **d),
    )
    if request.method == "POST":
        if _limited(request, "apply", APPLY_LIMIT):
            return render(request, "portal/rate_limited.html", status=429)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("promise", None)
            township = next((t for t in townships if str(t.pk) == data.pop("township")), None)
            try:
                case = services.case_apply_public(township=township, **data)
            except ServiceError as exc:
                form_apply_error(request, form, exc)
            else:
                request.session[DONE_KEY] = {"number": case.number, "org": case.org.name}
                return redirect("rights:legal_aid_done")
    return render(request, "rights/legalaid/portal_apply.html", {"form": form})


def portal_done(request):
    done = request.session.get(DONE_KEY)
    if not done:
        return redirect("rights:legal_aid_apply")
    return render(request, "rights/legalaid/portal_done.html", {"done": done})


def portal_status(request):
    form = forms.StatusForm(request.POST or None)
    cases = None
    feedback = None
    if request.method == "POST":
        if _limited(request, "status", LOOKUP_LIMIT):
            return render(request, "portal/rate_limited.html", status=429)
        if "score" in request.POST:
            feedback = forms.FeedbackForm(request.POST)
            if feedback.is_valid():
                try:
                    services.case_feedback_public(**feedback.cleaned_data)
                except ServiceError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(request, "感谢您的评价。")
        if form.is_valid():
            cases = services.cases_of_applicant(**form.cleaned_data)
    return render(
        request,
        "rights/legalaid/portal_status.html",
        {
            "form": form,
            "cases": cases,
            "score_choices": forms.FeedbackForm.base_fields["score"].choices,
        },
    )
