"""Collective-contract pages: list (filters: kind, state — in force, expiring within 3 months,
to file, overdue filing …, township, search), detail with the clocks, register, file, review,
text versions, attachments, renewal offer, termination."""

from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.modules import Action
from gonghui.core.pages import org_param_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.rights.contracts import forms, selectors, services
from gonghui.rights.contracts.models import ContractAttachment, ContractKind, ContractStatus
from gonghui.rights.employers.selectors import org_choices, township_choices
from gonghui.rights.shared import MODULE, today
from gonghui.rights.views import file_response, filters, form_page, get_int, post_action

FILTERS = ("q", "kind", "state", "township")
LIST = ("集体合同", "/rights/contracts/")


def _crumbs(contract=None):
    crumbs = [LIST]
    if contract is not None:
        crumbs.append((contract.title, reverse("rights:contract_detail", args=[contract.pk])))
    return crumbs


@requires(MODULE, Action.VIEW)
def contract_list(request):
    chosen = filters(request.GET, FILTERS)
    rows = selectors.contract_list(
        request.user,
        q=chosen["q"],
        kind=chosen["kind"],
        state=chosen["state"],
        township=get_int(request.GET, "township"),
        org=(within := org_param_or_404(request, MODULE)),
    )
    return render(
        request,
        "rights/contracts/contract_list.html",
        {
            **paginate_peek(request, rows),
            "filters": chosen,
            "within": within,
            "kinds": ContractKind.choices,
            "states": selectors.STATES.items(),
            "townships": township_choices(request.user),
            "today": today(),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.VIEW)
def contract_detail(request, pk):
    contract = selectors.contract_get(request.user, pk)
    on = today()
    vote = services.vote_check(
        total=contract.congress_total,
        present=contract.congress_present,
        approving=contract.congress_for,
    )
    return render(
        request,
        "rights/contracts/contract_detail.html",
        {
            "c": contract,
            "on": on,
            "in_force": contract.in_force_on(on),
            "vote": vote,
            "coverage": selectors.contract_coverage(contract),
            "versions": list(contract.versions.only("id", "number", "note", "created_at")),
            "attachments": list(contract.attachments.all()),
            "filing_late": services.contract_filing_late(contract, on),
            "renewal_opens": services.renewal_opens_on(contract.end_on),
            "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, contract.org),
            "signed": contract.status == ContractStatus.SIGNED,
            "filed": contract.status == ContractStatus.FILED,
            "attachment_form": forms.AttachmentForm(),
        },
    )


@requires(MODULE, Action.EDIT)
def contract_create(request):
    orgs = list(org_choices(request.user))
    enterprise = None
    if request.GET.get("enterprise"):
        from gonghui.rights.employers.selectors import enterprise_rights_scoped

        enterprise = (
            enterprise_rights_scoped(request.user, Action.EDIT)
            .filter(pk=get_int(request.GET, "enterprise") or 0)
            .first()
        )
    form = forms.ContractForm(
        request.POST or None,
        user=request.user,
        orgs=orgs,
        initial={"enterprise": enterprise.credit_code if enterprise else ""},
        check=lambda cleaned: services.contract_validate(actor=request.user, **cleaned),
    )
    return form_page(
        request,
        form,
        title="登记集体合同",
        crumbs=_crumbs(),
        submit="登记",
        intro="合同草案须经职工代表大会(或全体职工)讨论：到会代表不少于全体代表的三分之二，"
        "且经全体代表半数以上同意方获通过。签订后 10 日内报送劳动保障行政部门审查。",
        on_valid=lambda d: services.contract_register(actor=request.user, **d),
        success=lambda c: reverse("rights:contract_detail", args=[c.pk]),
        message=lambda c: f"已登记集体合同，请于 {c.filing_due:%Y-%m-%d} 前报送审查。",
    )


def _edit_target(request, pk):
    return selectors.contract_get(request.user, pk, Action.EDIT)


@requires(MODULE, Action.EDIT)
def contract_file(request, pk):
    contract = _edit_target(request, pk)
    form = forms.FilingForm(
        request.POST or None, initial={"version": contract.version, "filed_on": today()}
    )
    return form_page(
        request,
        form,
        title="报送审查",
        crumbs=_crumbs(contract),
        intro=f"签订日期 {contract.signed_on:%Y-%m-%d}，报送期限 {contract.filing_due:%Y-%m-%d}"
        "(签订之日起 10 日，遇休息日、法定节假日顺延)。审查部门自收到文本之日起 15 日内未提出异议的，合同即行生效。",
        on_valid=lambda d: services.contract_file(actor=request.user, contract=contract, **d),
        success=lambda c: reverse("rights:contract_detail", args=[c.pk]),
        message=lambda c: f"已登记报送，审查期限至 {c.review_due:%Y-%m-%d}。",
    )


@requires(MODULE, Action.EDIT)
def contract_review(request, pk):
    contract = _edit_target(request, pk)
    form = forms.ReviewForm(request.POST or None, initial={"version": contract.version})
    return form_page(
        request,
        form,
        title="登记审查意见",
        crumbs=_crumbs(contract),
        intro=f"审查期限至 {contract.review_due:%Y-%m-%d}；期满未提出异议的，合同自 "
        f"{contract.effective_on:%Y-%m-%d} 起生效。"
        if contract.review_due and contract.effective_on
        else "",
        on_valid=lambda d: services.contract_review_record(
            actor=request.user, contract=contract, **d
        ),
        success=lambda c: reverse("rights:contract_detail", args=[c.pk]),
        message="已登记审查意见。",
    )


@requires(MODULE, Action.EDIT)
def contract_version_add(request, pk):
    contract = _edit_target(request, pk)
    form = forms.VersionForm(request.POST or None, initial={"text": contract.text})
    return form_page(
        request,
        form,
        title="保存新版本文本",
        crumbs=_crumbs(contract),
        on_valid=lambda d: services.contract_version_add(
            actor=request.user, contract=contract, **d
        ),
        success=lambda v: reverse("rights:contract_detail", args=[contract.pk]) + "#versions",
        message=lambda v: f"已保存第 {v.number} 版。",
    )


@requires(MODULE, Action.VIEW)
def contract_version(request, pk, number):
    contract = selectors.contract_get(request.user, pk)
    version = get_object_or_404(contract.versions, number=number)
    return render(request, "rights/contracts/contract_version.html", {"c": contract, "v": version})


@require_POST
@requires(MODULE, Action.EDIT)
def contract_attachment_add(request, pk):
    contract = _edit_target(request, pk)
    form = forms.AttachmentForm(request.POST, request.FILES)
    back = reverse("rights:contract_detail", args=[contract.pk]) + "#attachments"
    if not form.is_valid():
        from django.contrib import messages
        from django.shortcuts import redirect

        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    return post_action(
        request,
        lambda: services.contract_attachment_add(
            actor=request.user, contract=contract, upload=form.cleaned_data["file"]
        ),
        success=back,
        message="附件已上传。",
    )


@requires(MODULE, Action.VIEW)
def contract_attachment(request, pk, file_pk):
    contract = selectors.contract_get(request.user, pk)
    return file_response(get_object_or_404(ContractAttachment, pk=file_pk, contract=contract))


@requires(MODULE, Action.EDIT)
def contract_renewal(request, pk):
    contract = _edit_target(request, pk)
    form = forms.RenewalForm(
        request.POST or None, initial={"on": today(), "subject": f"续订《{contract.title}》"}
    )
    return form_page(
        request,
        form,
        title="提出续订要约",
        crumbs=_crumbs(contract),
        submit="发出要约",
        intro=f"合同 {contract.end_on:%Y-%m-%d} 届满；届满前 3 个月内(自 "
        f"{services.renewal_opens_on(contract.end_on):%Y-%m-%d} 起)可提出续订要约，"
        "对方应自收到要约之日起 20 日内书面答复。",
        on_valid=lambda d: services.contract_renewal_request(
            actor=request.user, contract=contract, **d
        ),
        success=lambda offer: reverse("rights:offer_detail", args=[offer.pk]),
        message=lambda offer: f"已发出续订要约，答复期限 {offer.reply_due:%Y-%m-%d}。",
    )


@requires(MODULE, Action.EDIT)
def contract_terminate(request, pk):
    contract = _edit_target(request, pk)
    form = forms.TerminateForm(request.POST or None)
    return form_page(
        request,
        form,
        title="终止合同",
        crumbs=_crumbs(contract),
        submit="终止",
        on_valid=lambda d: services.contract_terminate(actor=request.user, contract=contract, **d),
        success=lambda c: reverse("rights:contract_detail", args=[c.pk]),
        message="合同已终止。",
    )
