"""Programme and grant pages. Views parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.assistance.programmes import selectors, services
from gonghui.assistance.programmes.forms import (
    BudgetForm,
    CancelForm,
    DisburseForm,
    ProgrammeForm,
    RuleForm,
)
from gonghui.assistance.programmes.models import GrantStatus, ProgrammeKind, ProgrammeStatus
from gonghui.assistance.programmes.rules import DEFAULT_RULES
from gonghui.assistance.standards.selectors import today
from gonghui.core.errors import NotFound, ServiceError
from gonghui.core.forms import forms_valid
from gonghui.core.masking import mask_bank_account
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error, org_param_or_404, paginate, posted_org_or_404
from gonghui.core.scope import can, get_in_scope_or_404, org_in_scope, requires, scope_queryset
from gonghui.orgs.models import Org, OrgLevel, OrgStatus

MODULE = "assistance"


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


def _error_text(exc: ServiceError) -> str:
    details = "；".join(m for errors in exc.fields.values() for m in errors)
    return f"{exc.message}{details}" if details and details not in exc.message else exc.message


@requires(MODULE, Action.VIEW)
def programme_list(request):
    year = request.GET.get("year", "").strip()
    kind = request.GET.get("kind", "").strip()
    within = org_param_or_404(request, MODULE)
    programmes = selectors.programme_list(
        request.user,
        year=int(year) if year.isdigit() else None,
        kind=kind if kind in ProgrammeKind.values else "",
        org=within,
    )
    return render(
        request,
        "assistance/programmes/programme_list.html",
        {
            **paginate(request, programmes),
            "filters": {"year": year, "kind": kind},
            "within": within,
            "kind_choices": ProgrammeKind.choices,
            "years": range(today().year + 1, today().year - 5, -1),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


def _owner_orgs(request):
    return (
        scope_queryset(Org.objects.all(), request.user, MODULE, Action.EDIT, org_field="")
        .filter(status=OrgStatus.ACTIVE, level__in=(OrgLevel.COUNTY, OrgLevel.TOWNSHIP))
        .order_by("path")
    )


def _programme_errors(request, form, rule_form, exc: ServiceError, *, only_new: bool) -> None:
    """The rule's messages (`rule-<field>`) at the rule form, the rest at the programme form."""
    rule = {k.removeprefix("rule-"): v for k, v in exc.fields.items() if k.startswith("rule-")}
    if rule:
        if rule_form.is_bound:
            rule_form.add_service_errors(ServiceError(exc.message, fields=rule), only_new=only_new)
        else:
            form.add_error(None, "默认规则不适用，请勾选“自定义资格和金额规则”后填写。")
    exc.fields = {k: v for k, v in exc.fields.items() if not k.startswith("rule-")}
    if only_new:
        form.add_service_errors(exc, only_new=True)
    elif exc.fields or not rule:
        form_apply_error(request, form, exc)
    else:
        messages.error(request, exc.message)


@login_required
def programme_create(request):
    _require(request, Action.EDIT)
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    orgs = _owner_orgs(request)
    initial = {"year": today().year, "starts_on": today(), "kind": ProgrammeKind.WARMTH}
    form = ProgrammeForm(request.POST or None, orgs=orgs, initial=initial)
    rule_form = RuleForm(
        request.POST if request.POST.get("custom_rule") else None,
        initial=RuleForm.initial_from(*DEFAULT_RULES["warmth"]),
        prefix="rule",
    )
    if request.method == "POST":
        custom = bool(request.POST.get("custom_rule"))
        valid = forms_valid(form, rule_form) if custom else form.is_valid()
        data = dict(form.cleaned_data)
        data.pop("custom_rule", None)
        org_pk = data.pop("org", None)
        org = orgs.filter(pk=org_pk).first() if org_pk else None
        if valid and org is None:
            raise Http404
        rules = {}
        if custom:
            rules = dict(zip(("eligibility", "amount"), rule_form.rule_data(), strict=True))
        try:
            if not valid:
                # Ask the service what else is wrong: every problem on this one submit.
                services.programme_validate(actor=request.user, org=org, **data, **rules)
            else:
                programme = services.programme_create(actor=request.user, org=org, **data, **rules)
        except ServiceError as exc:
            _programme_errors(request, form, rule_form, exc, only_new=not valid)
        else:
            if valid:
                messages.success(request, f"已设立帮扶项目：{programme.name}")
                return redirect("assistance:programme_detail", pk=programme.pk)
    return render(
        request,
        "assistance/programmes/programme_form.html",
        {"form": form, "rule_form": rule_form},
    )


def _allocatable_orgs(request, programme):
    return (
        scope_queryset(Org.objects.all(), request.user, MODULE, Action.VIEW, org_field="")
        .filter(path__startswith=programme.org.path, status=OrgStatus.ACTIVE)
        .exclude(pk=programme.org_id)
        .filter(level__lte=OrgLevel.TOWNSHIP + 1)
        .order_by("path")[:300]
    )


@login_required
def programme_detail(request, pk):
    _require(request, Action.VIEW)
    programme = selectors.programme_get(request.user, pk)
    status = request.GET.get("status", "").strip()
    grants = selectors.grant_list(request.user, programme=programme, status=status)
    rules = list(programme.rules.select_related("created_by").order_by("-version"))
    current = rules[0]
    can_edit_programme = org_in_scope(request.user, MODULE, Action.EDIT, programme.org)
    return render(
        request,
        "assistance/programmes/programme_detail.html",
        {
            "p": programme,
            "rule": selectors.rule_text(current),
            "rule_history": [selectors.rule_text(r) for r in rules[1:]],
            "budgets": selectors.budgets_visible(request.user, programme),
            "totals": selectors.programme_totals(request.user, programme),
            **paginate(request, grants, per_page=50),
            "status": status,
            "status_choices": GrantStatus.choices,
            "can_edit_programme": can_edit_programme and programme.status == ProgrammeStatus.OPEN,
            "can_close": can_edit_programme and programme.status == ProgrammeStatus.OPEN,
            "can_propose": can(request.user, MODULE, Action.EDIT)
            and programme.status == ProgrammeStatus.OPEN,
            "can_approve": can(request.user, MODULE, Action.APPROVE)
            and programme.status == ProgrammeStatus.OPEN,
            "rule_form": RuleForm(
                initial=RuleForm.initial_from(current.eligibility, current.amount), prefix="rule"
            ),
            "budget_form": BudgetForm(orgs=_allocatable_orgs(request, programme)),
        },
    )


@login_required
@require_POST
def programme_rule(request, pk):
    _require(request, Action.EDIT)
    programme = selectors.programme_get(request.user, pk)
    form = RuleForm(request.POST, prefix="rule")
    if not form.is_valid():
        messages.error(request, "请检查规则填写的内容。")
        return redirect("assistance:programme_detail", pk=programme.pk)
    eligibility, amount = form.rule_data()
    try:
        rule = services.programme_rule_set(
            actor=request.user,
            programme=programme,
            eligibility=eligibility,
            amount=amount,
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"规则已更新为第 {rule.version} 版。")
    return redirect("assistance:programme_detail", pk=programme.pk)


@login_required
@require_POST
def programme_budget(request, pk):
    _require(request, Action.EDIT)
    programme = selectors.programme_get(request.user, pk)
    org = posted_org_or_404(request, "org", MODULE, Action.VIEW)
    try:
        services.budget_allocate(
            actor=request.user, programme=programme, org=org, amount=request.POST.get("amount")
        )
    except ServiceError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, f"已为{org.name}分配预算。")
    return redirect("assistance:programme_detail", pk=programme.pk)


@login_required
@require_POST
def programme_close(request, pk):
    """End a programme: no more proposals, approvals, rule or budget changes; grants already
    approved can still be paid. Edit scope over the programme's own org (else 404)."""
    _require(request, Action.EDIT)
    programme = selectors.programme_get(request.user, pk)
    if programme.status == ProgrammeStatus.CLOSED:
        messages.info(request, "该项目已经结束。")
        return redirect("assistance:programme_detail", pk=programme.pk)
    try:
        services.programme_close(actor=request.user, programme=programme)
    except NotFound as exc:
        raise Http404 from exc
    except ServiceError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(
            request,
            f"已结束项目：{programme.name}。不能再提出或审批发放；已审批的发放仍可登记发放。",
        )
    return redirect("assistance:programme_detail", pk=programme.pk)


@login_required
def programme_eligible(request, pk):
    """GET: eligible households with the proposed amount and why; POST: propose the ticked."""
    _require(request, Action.EDIT)
    programme = selectors.programme_get(request.user, pk)
    if request.method == "POST":
        selections = []
        for value in request.POST.getlist("pick"):
            archive_id, _, subject = value.partition(":")
            if archive_id.isdigit() and subject:
                selections.append((int(archive_id), subject))
        try:
            created = services.grants_propose(
                actor=request.user, programme=programme, selections=selections
            )
        except ServiceError as exc:
            messages.error(request, _error_text(exc))
        else:
            total = sum(g.amount for g in created)
            messages.success(request, f"已提出 {len(created)} 项发放，合计 {total} 元，待审批。")
            return redirect(f"/assistance/programmes/{programme.pk}/?status=proposed")
    q = request.GET.get("q", "").strip()
    within = None
    if request.GET.get("org", "").isdigit():
        within = get_in_scope_or_404(
            Org.objects.all(), request.user, MODULE, Action.VIEW, pk=int(request.GET["org"])
        )
    rows = selectors.programme_eligible(request.user, programme, q=q, org=within)
    return render(
        request,
        "assistance/programmes/eligible.html",
        {
            "p": programme,
            "rule": selectors.rule_text(services.rule_current(programme)),
            "rows": rows,
            "total": sum(r.candidate.amount for r in rows),
            "q": q,
            "within": within,
            "open": programme.status == ProgrammeStatus.OPEN,
        },
    )


@login_required
@require_POST
def programme_approve(request, pk):
    """Approve the ticked grants as one batch: all or none (the page says so)."""
    _require(request, Action.APPROVE)
    programme = selectors.programme_get(request.user, pk)
    ids = [int(v) for v in request.POST.getlist("grant") if v.isdigit()]
    try:
        approved = services.grants_approve(actor=request.user, grant_ids=ids)
    except ServiceError as exc:
        messages.error(request, _error_text(exc))
    else:
        total = sum(g.amount for g in approved)
        messages.success(request, f"已审批 {len(approved)} 项发放，合计 {total} 元。")
    return redirect("assistance:programme_detail", pk=programme.pk)


@login_required
def grant_detail(request, pk):
    _require(request, Action.VIEW)
    grant = selectors.grant_get(request.user, pk)
    return render(
        request,
        "assistance/programmes/grant_detail.html",
        {
            "g": grant,
            "account": mask_bank_account(grant.bank_account or grant.archive.bank_account),
            "can_disburse": grant.status == GrantStatus.APPROVED
            and org_in_scope(request.user, MODULE, Action.EDIT, grant.budget.org),
            "can_cancel": grant.status in (GrantStatus.PROPOSED, GrantStatus.APPROVED)
            and can(request.user, MODULE, Action.EDIT),
            "disburse_form": DisburseForm(initial={"on": today()}),
            "cancel_form": CancelForm(),
        },
    )


@login_required
@require_POST
def grant_disburse(request, pk):
    _require(request, Action.EDIT)
    grant = selectors.grant_get(request.user, pk)
    form = DisburseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请检查发放信息。")
        return redirect("assistance:grant_detail", pk=grant.pk)
    try:
        services.grant_disburse(
            actor=request.user,
            grant=grant,
            method=form.cleaned_data["method"],
            on=form.cleaned_data["on"] or None,
            handled_by=form.cleaned_data["handled_by"],
            note=form.cleaned_data["note"],
        )
    except ServiceError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已登记发放。")
    return redirect("assistance:grant_detail", pk=grant.pk)


@login_required
@require_POST
def grant_cancel(request, pk):
    _require(request, Action.EDIT)
    grant = selectors.grant_get(request.user, pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写取消原因。")
        return redirect("assistance:grant_detail", pk=grant.pk)
    try:
        services.grant_cancel(actor=request.user, grant=grant, reason=form.cleaned_data["reason"])
    except ServiceError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, "已取消该发放。")
    return redirect("assistance:grant_detail", pk=grant.pk)
