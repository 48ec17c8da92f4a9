"""Hardship archive pages. Views parse input, call one service or selector, render.

Lifecycle steps all POST to `archive_step`, which maps the step to its service; a refused
step comes back to the detail page with the service's Chinese reason.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.assistance.archives import lifecycle, selectors, services
from gonghui.assistance.archives.forms import (
    ArchiveForm,
    AttachmentForm,
    HouseholdMemberForm,
    ReasonForm,
    SpotCheckDrawForm,
    StepForm,
    archive_service_data,
)
from gonghui.assistance.choices import (
    ArchiveStatus,
    AttachmentKind,
    HardshipCategory,
    HardshipCause,
    ReviewKind,
    StepAction,
)
from gonghui.assistance.standards.selectors import today
from gonghui.audit.services import sensitive_view_record
from gonghui.core.errors import ServiceError
from gonghui.core.masking import mask_bank_account, mask_id_number, mask_phone, mask_text
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error, masked_form_data, posted_org_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, get_in_scope_or_404, org_in_scope, requires, scope_queryset
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

MODULE = "assistance"
FILTER_KEYS = ("q", "org", "category", "status", "cause", "group", "overdue")
MASKS = {
    "id_number": mask_id_number,
    "phone": mask_phone,
    "bank_account": mask_bank_account,
    "health_detail": mask_text,
    "disability_detail": mask_text,
}


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


@requires(MODULE, Action.VIEW)
def archive_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in FILTER_KEYS}
    within = None
    if filters["org"].isdigit():
        within = get_in_scope_or_404(
            Org.objects.all(), request.user, MODULE, Action.VIEW, pk=int(filters["org"])
        )
    query = {k: v for k, v in filters.items() if k != "org"}
    archives = selectors.archive_list(request.user, org=within, **query).defer(
        *services.SENSITIVE_FIELDS, "category_explanation"
    )
    return render(
        request,
        "assistance/archives/archive_list.html",
        {
            **paginate_peek(request, archives),
            "filters": filters,
            "within": within,
            "org_choices": scope_queryset(
                Org.objects.filter(level__lte=OrgLevel.TOWNSHIP),
                request.user,
                MODULE,
                Action.VIEW,
                org_field="",
            ).order_by("path")[:300],
            "category_choices": HardshipCategory.choices,
            "status_choices": ArchiveStatus.choices,
            "cause_choices": HardshipCause.choices,
            "group_choices": list(selectors.WORKER_GROUPS.items()),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


def _editable_orgs(request):
    return (
        scope_queryset(Org.objects.all(), request.user, MODULE, Action.EDIT, org_field="")
        .filter(status=OrgStatus.ACTIVE, level__gte=OrgLevel.COUNTY)
        .order_by("path")
    )


def _archive_check(request, orgs=None, archive=None):
    """The service's field checks for a form whose own fields failed (one round of errors)."""

    def check(cleaned: dict) -> None:
        org = (
            orgs.filter(pk=cleaned["org"]).first()
            if orgs is not None and cleaned.get("org")
            else None
        )
        services.archive_validate(
            actor=request.user, org=org, archive=archive, **archive_service_data(cleaned)
        )

    return check


@login_required
def archive_create(request):
    _require(request, Action.EDIT)
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    orgs = _editable_orgs(request)
    form = ArchiveForm(request.POST or None, orgs=orgs, check=_archive_check(request, orgs=orgs))
    if request.method == "POST" and form.is_valid():
        org = orgs.get(pk=form.cleaned_data["org"])
        try:
            archive = services.archive_create(actor=request.user, org=org, **form.service_data())
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(
                request,
                f"已登记 {archive.name} 家庭的困难职工档案申请，测算类别："
                f"{archive.get_category_display()}。",
            )
            return redirect("assistance:detail", pk=archive.pk)
    return render(
        request, "assistance/archives/archive_form.html", {"form": form, "creating": True}
    )


@login_required
def archive_edit(request, pk):
    _require(request, Action.EDIT)
    archive = selectors.archive_get(request.user, pk, Action.EDIT)
    if archive.status == ArchiveStatus.REJECTED:
        messages.error(request, "未予建档的档案不能修改。")
        return redirect("assistance:detail", pk=archive.pk)
    initial = {
        f: getattr(archive, f) for f in services.ARCHIVE_EDITABLE_FIELDS if f != "secondary_causes"
    }
    initial.update(secondary_causes=archive.secondary_causes, version=archive.version)
    masked, posted = masked_form_data(request, archive, MASKS)
    initial.update(masked)
    form = ArchiveForm(posted, initial=initial, check=_archive_check(request, archive=archive))
    if request.method == "POST" and form.is_valid():
        try:
            services.archive_update(
                actor=request.user,
                archive=archive,
                version=form.cleaned_data.get("version"),
                **form.service_data(),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "档案信息已保存。")
            return redirect("assistance:detail", pk=archive.pk)
    return render(request, "assistance/archives/archive_form.html", {"form": form, "a": archive})


def _available_steps(request, archive) -> list[dict]:
    """The lifecycle steps the user could take now (the services check again)."""
    steps = []
    may_edit = org_in_scope(request.user, MODULE, Action.EDIT, archive.org)
    may_approve = services.is_county_approver(request.user, archive.org) and org_in_scope(
        request.user, MODULE, Action.VIEW, archive.org
    )
    for action, transition in lifecycle.TRANSITIONS.items():
        if lifecycle.refusal(archive.status, action):
            continue
        needs = transition.needs
        if action == StepAction.REJECT:
            needs = lifecycle.reject_needs(archive.status)
        allowed = may_edit if needs == lifecycle.Needs.EDIT else may_approve
        if allowed:
            steps.append({"action": action, "label": StepAction(action).label})
    return steps


def _detail_context(request, detail, **extra) -> dict:
    archive = detail.archive
    return {
        "a": archive,
        "d": detail,
        "masked": {field: mask(getattr(archive, field)) for field, mask in MASKS.items()},
        "steps_available": _available_steps(request, archive),
        "authorisations": [x for x in detail.attachments if x.kind == AttachmentKind.AUTHORISATION],
        "can_edit": archive.status != ArchiveStatus.REJECTED
        and org_in_scope(request.user, MODULE, Action.EDIT, archive.org),
        "can_unmask": org_in_scope(request.user, MODULE, Action.VIEW_SENSITIVE, archive.org),
        "unmask_form": ReasonForm(),
        "attachment_form": AttachmentForm(),
        "household_form": HouseholdMemberForm(),
        "review_kinds": ReviewKind.choices,
        "today": today(),
        **extra,
    }


@login_required
def archive_detail(request, pk):
    _require(request, Action.VIEW)
    detail = selectors.archive_detail(request.user, pk)
    return render(
        request, "assistance/archives/archive_detail.html", _detail_context(request, detail)
    )


@login_required
@require_POST
def archive_unmask(request, pk):
    """Show the personal data in full: view-sensitive and a reason; audited."""
    _require(request, Action.VIEW_SENSITIVE)
    selectors.archive_get(request.user, pk, Action.VIEW_SENSITIVE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "查看完整信息须填写事由。")
        return redirect("assistance:detail", pk=pk)
    detail = selectors.archive_detail(request.user, pk)
    archive = detail.archive
    sensitive_view_record(
        actor=request.user,
        obj=archive,
        fields=list(MASKS),
        reason=form.cleaned_data["reason"],
    )
    plain = {field: getattr(archive, field) for field in MASKS}
    return render(
        request,
        "assistance/archives/archive_detail.html",
        _detail_context(request, detail, masked=plain, unmasked=True, unmask_form=None),
    )


def _step_call(request, archive, action: str, form: StepForm):
    data = form.cleaned_data
    common = {"actor": request.user, "archive": archive, "on": data.get("on")}
    figures = {"annual_income": data["annual_income"]} if data.get("annual_income") else {}
    if action == StepAction.CHECK:
        return services.archive_check(**common, note=data["note"])
    if action == StepAction.VISIT:
        authorisation = archive.attachments.filter(pk=data.get("authorisation") or 0).first()
        return services.archive_visit(
            **common,
            authorisation=authorisation,
            visitors=data["visitors"],
            findings=data["findings"],
        )
    if action == StepAction.APPROVE:
        return services.archive_approve(**common, note=data["note"])
    if action == StepAction.FILE:
        return services.archive_file(**common)
    if action == StepAction.REJECT:
        return services.archive_reject(**common, reason=data["reason"])
    if action == StepAction.REVIEW:
        return services.archive_review(
            **common,
            kind=data.get("kind") or ReviewKind.YEARLY,
            findings=data["findings"],
            **figures,
        )
    if action == StepAction.EXIT:
        return services.archive_exit(**common, reason=data["reason"])
    if action == StepAction.WATCH:
        return services.archive_watch(**common, note=data["note"])
    if action == StepAction.RELAPSE:
        return services.archive_relapse(**common, note=data["note"], **figures)
    raise Http404


@login_required
@require_POST
def archive_step(request, pk, action):
    transition = lifecycle.TRANSITIONS.get(action)
    if transition is None:
        raise Http404
    needed = Action.EDIT if transition.needs == lifecycle.Needs.EDIT else Action.APPROVE
    _require(request, needed)
    archive = selectors.archive_get(request.user, pk, needed)
    form = StepForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "请检查填写的内容："
            + "；".join(str(e) for errors in form.errors.values() for e in errors),
        )
        return redirect("assistance:detail", pk=archive.pk)
    try:
        _step_call(request, archive, action, form)
    except ServiceError as exc:
        details = "；".join(m for errors in exc.fields.values() for m in errors)
        messages.error(request, exc.message if not details else f"{exc.message}{details}")
    else:
        messages.success(request, f"已办理：{StepAction(action).label}。")
    return redirect("assistance:detail", pk=archive.pk)


@login_required
@require_POST
def attachment_upload(request, pk):
    _require(request, Action.EDIT)
    archive = selectors.archive_get(request.user, pk, Action.EDIT)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("assistance:detail", pk=archive.pk)
    try:
        attachment = services.attachment_add(
            actor=request.user,
            archive=archive,
            kind=form.cleaned_data["kind"],
            file=form.cleaned_data["file"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        details = "；".join(m for errors in exc.fields.values() for m in errors)
        messages.error(request, details or exc.message)
    else:
        messages.success(request, f"已上传：{attachment.original_name}")
    return redirect("assistance:detail", pk=archive.pk)


@login_required
def attachment_download(request, pk):
    """Files hold personal data: served to caseworkers (edit scope) only, and audited."""
    _require(request, Action.EDIT)
    attachment = selectors.attachment_get(request.user, pk, Action.EDIT)
    sensitive_view_record(
        actor=request.user,
        obj=attachment.archive,
        fields=[f"attachment:{attachment.pk}"],
        reason="下载档案附件",
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@login_required
@require_POST
def household_add(request, pk):
    _require(request, Action.EDIT)
    archive = selectors.archive_get(request.user, pk, Action.EDIT)
    form = HouseholdMemberForm(
        request.POST,
        check=lambda data: services.household_member_validate(
            actor=request.user, archive=archive, **data
        ),
    )
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
        return redirect("assistance:detail", pk=archive.pk)
    try:
        person = services.household_member_add(
            actor=request.user, archive=archive, **form.cleaned_data
        )
    except ServiceError as exc:
        details = "；".join(m for errors in exc.fields.values() for m in errors)
        messages.error(request, details or exc.message)
    else:
        messages.success(request, f"已添加家庭成员：{person.name}")
    return redirect("assistance:detail", pk=archive.pk)


@login_required
@require_POST
def household_remove(request, pk):
    _require(request, Action.EDIT)
    person = selectors.household_member_get(request.user, pk, Action.EDIT)
    try:
        services.household_member_remove(
            actor=request.user, person=person, reason=request.POST.get("reason", "")
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已删除家庭成员：{person.name}")
    return redirect("assistance:detail", pk=person.archive_id)


# --- spot checks (年度抽查) -----------------------------------------------------------------------------
# The yearly spot checks (年度抽查): the draws in scope (a township sees its county's, limited to its
# own households), one draw's households (the latest unless ?draw= picks another) and whether each
# has its spot review, and the county's draw for a year (county approvers only).


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
        "assistance/archives/spot_checks.html",
        {
            "rows": rows,
            "shown": shown,
            "partial": any(not r.whole for r in rows),
            "drawn": drawn,
            "reviewed_count": sum(1 for d in drawn if d.review),
            "form": form if counties.exists() else None,
        },
    )
