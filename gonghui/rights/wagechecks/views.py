"""Wage-check pages: campaigns, the checklist form for an employer or site, findings with
photos and resolution, and the 一函两书 (draft pre-filled from a finding, edit, print or
download as PDF / .docx, issue in order, record replies), the county's checklist and settings."""

from urllib.parse import quote

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.core.modules import Action
from gonghui.core.pages import org_param_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.orgs.models import OrgLevel
from gonghui.rights.employers.selectors import (
    enterprise_rights_scoped,
    org_choices,
    township_choices,
)
from gonghui.rights.shared import MODULE, today
from gonghui.rights.views import file_response, filters, form_page, get_int, post_action
from gonghui.rights.wagechecks import documents, forms, selectors, services
from gonghui.rights.wagechecks.models import (
    CheckFocus,
    FindingPhoto,
    FindingStatus,
    NoticeStatus,
    NoticeStep,
    WageCheckStatus,
)

CHECKS = ("工资支付检查", "/rights/wage-checks/")
FINDINGS = ("检查发现的问题", "/rights/findings/")
NOTICES = ("一函两书", "/rights/notices/")


def _county(request):
    county = request.user.org
    while county is not None and county.level > OrgLevel.COUNTY:
        county = county.parent
    return county


# --- campaigns ------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def wagecheck_list(request):
    chosen = filters(request.GET, ("q", "year"))
    rows = selectors.wagecheck_list(request.user, q=chosen["q"], year=get_int(request.GET, "year"))
    return render(
        request,
        "rights/wagechecks/wagecheck_list.html",
        {
            **paginate_peek(request, rows),
            "filters": chosen,
            "focus_labels": dict(CheckFocus.choices),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def wagecheck_create(request):
    on = today()
    form = forms.WageCheckForm(
        request.POST or None,
        orgs=list(org_choices(request.user).filter(level__lte=OrgLevel.TOWNSHIP)),
        initial={
            "year": on.year,
            "name": f"{on.year}年工资支付专项检查",
            "focus": ["construction"],
        },
        check=lambda d: services.wagecheck_validate(actor=request.user, **d),
    )
    return form_page(
        request,
        form,
        title="新建工资支付检查",
        crumbs=[CHECKS],
        on_valid=lambda d: services.wagecheck_create(actor=request.user, **d),
        success=lambda c: reverse("rights:wagecheck_detail", args=[c.pk]),
        message="已新建检查。",
    )


@requires(MODULE, Action.VIEW)
def wagecheck_detail(request, pk):
    campaign = selectors.wagecheck_get(request.user, pk)
    rows = selectors.records_of(request.user, campaign)
    return render(
        request,
        "rights/wagechecks/wagecheck_detail.html",
        {
            **paginate_peek(request, rows),
            "w": campaign,
            "focus": [CheckFocus(f).label for f in campaign.focus if f in CheckFocus.values],
            "can_add": campaign.status == WageCheckStatus.OPEN
            and can(request.user, MODULE, Action.EDIT),
            "can_close": campaign.status == WageCheckStatus.OPEN
            and org_in_scope(request.user, MODULE, Action.EDIT, campaign.org),
        },
    )


@require_POST
@requires(MODULE, Action.EDIT)
def wagecheck_close(request, pk):
    campaign = selectors.wagecheck_get(request.user, pk, Action.EDIT)
    if not org_in_scope(request.user, MODULE, Action.EDIT, campaign.org):
        raise Http404
    return post_action(
        request,
        lambda: services.wagecheck_close(actor=request.user, campaign=campaign),
        success=reverse("rights:wagecheck_detail", args=[campaign.pk]),
        message="检查已结束。",
    )


@requires(MODULE, Action.EDIT)
def record_add(request, pk):
    campaign = selectors.wagecheck_get(request.user, pk, Action.EDIT)
    county = services.county_of(campaign.org)
    items = [i for i in services.items_ensure(county) if i.is_active] if county else []
    form = forms.RecordForm(
        request.POST or None,
        user=request.user,
        items=items,
        initial={"checked_on": today()},
    )
    return form_page(
        request,
        form,
        title="登记检查记录",
        crumbs=[CHECKS, (campaign.name, reverse("rights:wagecheck_detail", args=[campaign.pk]))],
        intro="逐项填写检查结果；“不符合”的事项保存后可登记为问题，并由此发出一函两书。",
        on_valid=lambda d: services.record_add(
            actor=request.user, campaign=campaign, **form.service_data()
        ),
        success=lambda r: reverse("rights:record_detail", args=[r.pk]),
        message=lambda r: (
            "已登记检查记录。"
            + (
                "有不符合的事项，请登记问题。"
                if any(v == "fail" for v in r.results.values())
                else ""
            )
        ),
    )


@requires(MODULE, Action.VIEW)
def record_detail(request, pk):
    record = selectors.record_get(request.user, pk)
    county = services.county_of(record.org)
    items = services.items_ensure(county) if county else []
    labels = {"ok": "符合", "fail": "不符合", "na": "不适用"}
    findings = {f.item_code: f for f in record.findings.all()}
    lines = [
        (item, labels.get(record.results.get(item.code, ""), "未检查"), findings.get(item.code))
        for item in items
        if item.code in record.results
    ]
    return render(
        request,
        "rights/wagechecks/record_detail.html",
        {
            "r": record,
            "lines": lines,
            "findings": list(findings.values()),
            "can_edit": org_in_scope(request.user, MODULE, Action.EDIT, record.org),
        },
    )


# --- findings -------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def finding_list(request):
    chosen = filters(request.GET, ("q", "state", "township"))
    rows = selectors.finding_list(
        request.user,
        q=chosen["q"],
        state=chosen["state"],
        township=get_int(request.GET, "township"),
    )
    return render(
        request,
        "rights/wagechecks/finding_list.html",
        {
            **paginate_peek(request, rows),
            "filters": chosen,
            "states": selectors.FINDING_STATES.items(),
            "townships": township_choices(request.user),
            "on": today(),
            "can_edit": can(request.user, MODULE, Action.EDIT),
        },
    )


@requires(MODULE, Action.EDIT)
def finding_create(request):
    """A finding from a check record (?record=, ?item=), an inspection (?inspection=) or alone."""
    record = inspection = enterprise = None
    if get_int(request.GET, "record"):
        record = selectors.record_get(request.user, get_int(request.GET, "record"), Action.EDIT)
        enterprise = record.enterprise
    elif get_int(request.GET, "inspection"):
        from gonghui.rights.supervision.selectors import inspection_get

        inspection = inspection_get(request.user, get_int(request.GET, "inspection"), Action.EDIT)
        enterprise = inspection.enterprise
    elif get_int(request.GET, "enterprise"):
        enterprise = (
            enterprise_rights_scoped(request.user, Action.EDIT)
            .filter(pk=get_int(request.GET, "enterprise"))
            .first()
        )
    county = services.county_of(enterprise.org if enterprise else request.user.org)
    items = services.items_ensure(county) if county else []
    item = request.GET.get("item", "")
    initial = {"found_on": (record.checked_on if record else today()), "item_code": item}
    if item:
        initial["description"] = next((f"{i.name}：" for i in items if i.code == item), "")
    form = forms.FindingForm(
        request.POST or None,
        user=request.user,
        enterprise=enterprise,
        items=items,
        initial=initial,
        check=lambda d: services.finding_validate(
            actor=request.user, record=record, inspection=inspection, **d
        ),
    )
    back = (
        reverse("rights:record_detail", args=[record.pk])
        if record
        else reverse("rights:inspection_detail", args=[inspection.pk])
        if inspection
        else FINDINGS[1]
    )
    return form_page(
        request,
        form,
        title="登记问题" + (f"：{enterprise.name}" if enterprise else ""),
        crumbs=[FINDINGS],
        cancel=back,
        on_valid=lambda d: services.finding_create(
            actor=request.user, record=record, inspection=inspection, **d
        ),
        success=lambda f: reverse("rights:finding_detail", args=[f.pk]),
        message="已登记问题，可起草提示函。",
    )


@requires(MODULE, Action.VIEW)
def finding_detail(request, pk):
    finding = selectors.finding_get(request.user, pk)
    notices = list(finding.notices.order_by("id"))
    by_step = {n.step: n for n in notices}
    on = today()
    next_due = services.notice_next_due(notices, on)
    can_edit = org_in_scope(request.user, MODULE, Action.EDIT, finding.org)
    ladder = []
    for step, label in NoticeStep.choices:
        notice = by_step.get(step)
        ladder.append(
            {
                "step": step,
                "label": label,
                "notice": notice,
                "why_not": services.notice_can_draft(finding, step, by_step)
                if notice is None
                else None,
            }
        )
    return render(
        request,
        "rights/wagechecks/finding_detail.html",
        {
            "f": finding,
            "ladder": ladder,
            "next_due": next_due,
            "on": on,
            "photos": list(finding.photos.all()),
            "photo_form": forms.PhotoForm(),
            "can_edit": can_edit,
            "is_open": finding.status == FindingStatus.OPEN,
        },
    )


@requires(MODULE, Action.EDIT)
def finding_resolve(request, pk):
    finding = selectors.finding_get(request.user, pk, Action.EDIT)
    form = forms.ResolveForm(
        request.POST or None,
        initial={"resolved_on": today(), "amount_recovered": finding.amount_owed},
    )
    return form_page(
        request,
        form,
        title="登记整改",
        crumbs=[
            FINDINGS,
            (str(finding.enterprise), reverse("rights:finding_detail", args=[finding.pk])),
        ],
        on_valid=lambda d: services.finding_resolve(actor=request.user, finding=finding, **d),
        success=lambda f: reverse("rights:finding_detail", args=[f.pk]),
        message="已登记整改。",
    )


@require_POST
@requires(MODULE, Action.EDIT)
def finding_photo_add(request, pk):
    finding = selectors.finding_get(request.user, pk, Action.EDIT)
    form = forms.PhotoForm(request.POST, request.FILES)
    back = reverse("rights:finding_detail", args=[finding.pk]) + "#photos"
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(back)
    return post_action(
        request,
        lambda: services.finding_photo_add(
            actor=request.user, finding=finding, upload=form.cleaned_data["image"]
        ),
        success=back,
        message="照片已上传。",
    )


@requires(MODULE, Action.VIEW)
def finding_photo(request, pk, photo_pk):
    finding = selectors.finding_get(request.user, pk)
    return file_response(get_object_or_404(FindingPhoto, pk=photo_pk, finding=finding))


# --- 一函两书 ---------------------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def notice_list(request):
    from gonghui.rights.stats.selectors import notice_funnel

    chosen = filters(request.GET, ("q", "step", "state", "township"))
    rows = selectors.notice_list(
        request.user,
        step=chosen["step"],
        state=chosen["state"],
        township=get_int(request.GET, "township"),
        org=(within := org_param_or_404(request, MODULE)),
        q=chosen["q"],
    )
    return render(
        request,
        "rights/wagechecks/notice_list.html",
        {
            **paginate_peek(request, rows),
            "filters": chosen,
            "within": within,
            "steps": NoticeStep.choices,
            "states": selectors.NOTICE_STATES.items(),
            "townships": township_choices(request.user),
            "funnel": notice_funnel(request.user, today().year),
            "on": today(),
        },
    )


@require_POST
@requires(MODULE, Action.EDIT)
def notice_draft(request, pk, step):
    finding = selectors.finding_get(request.user, pk, Action.EDIT)
    if step not in NoticeStep.values:
        raise Http404
    from gonghui.core.errors import ServiceError

    try:
        notice = services.notice_draft(actor=request.user, finding=finding, step=step)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("rights:finding_detail", pk=finding.pk)
    messages.success(request, f"已按问题起草{notice.get_step_display()}，请核对后打印、送达。")
    return redirect("rights:notice_detail", pk=notice.pk)


@requires(MODULE, Action.VIEW)
def notice_detail(request, pk):
    notice = selectors.notice_get(request.user, pk)
    finding = notice.finding
    can_edit = org_in_scope(request.user, MODULE, Action.EDIT, notice.org)
    is_draft = notice.status == NoticeStatus.DRAFT
    form = None
    if can_edit and is_draft:
        form = forms.NoticeForm(
            request.POST or None,
            initial={
                "number": notice.number,
                "recipient": notice.recipient,
                "copy_to": notice.copy_to,
                "days": notice.days or None,
                "body": notice.body,
                "version": notice.version,
            },
        )
        if notice.step == NoticeStep.RECOMMENDATION:
            del form.fields["days"]
        if request.method == "POST":
            result = form_page(
                request,
                form,
                title="",
                crumbs=[],
                on_valid=lambda d: services.notice_update(actor=request.user, notice=notice, **d),
                success=lambda n: reverse("rights:notice_detail", args=[n.pk]),
                message="文书已保存。",
            )
            if result.status_code == 302:
                return result
    elif request.method == "POST":
        raise Http404
    notices = {n.step: n for n in finding.notices.exclude(pk=notice.pk)}
    blocked = (
        services.notice_ladder_check(finding, notice.step, today(), notices) if is_draft else None
    )
    return render(
        request,
        "rights/wagechecks/notice_detail.html",
        {
            "n": notice,
            "f": finding,
            "form": form,
            "can_edit": can_edit,
            "is_draft": is_draft,
            "blocked": blocked,
            "on": today(),
        },
    )


@requires(MODULE, Action.EDIT)
def notice_issue(request, pk):
    notice = selectors.notice_get(request.user, pk, Action.EDIT)
    form = forms.IssueForm(
        request.POST or None, initial={"issued_on": today(), "number": notice.number}
    )
    return form_page(
        request,
        form,
        title=f"送达{notice.get_step_display()}",
        crumbs=[NOTICES, (str(notice), reverse("rights:notice_detail", args=[notice.pk]))],
        submit="登记送达",
        intro="送达后不能再修改；整改期限自送达次日起算，最后一日遇休息日、法定节假日顺延。",
        on_valid=lambda d: services.notice_issue(actor=request.user, notice=notice, **d),
        success=lambda n: reverse("rights:notice_detail", args=[n.pk]),
        message=lambda n: (
            f"已登记送达。{f'整改期限至 {n.deadline:%Y-%m-%d}。' if n.deadline else ''}"
        ),
    )


@requires(MODULE, Action.EDIT)
def notice_reply(request, pk):
    notice = selectors.notice_get(request.user, pk, Action.EDIT)
    form = forms.NoticeReplyForm(request.POST or None, initial={"replied_on": today()})
    return form_page(
        request,
        form,
        title="登记回复",
        crumbs=[NOTICES, (str(notice), reverse("rights:notice_detail", args=[notice.pk]))],
        on_valid=lambda d: services.notice_reply_record(actor=request.user, notice=notice, **d),
        success=lambda n: reverse("rights:notice_detail", args=[n.pk]),
        message="已登记回复。",
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = (
        f"attachment; filename=\"notice\"; filename*=UTF-8''{quote(name)}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _file_name(notice, extension: str) -> str:
    return f"{documents.TITLES[notice.step]}-{notice.finding.enterprise.name}.{extension}"


@requires(MODULE, Action.VIEW)
def notice_print(request, pk):
    notice = selectors.notice_get(request.user, pk)
    settings_row = services.notice_settings(services.county_of(notice.org))
    return HttpResponse(documents.notice_html(notice, settings_row))


@requires(MODULE, Action.VIEW)
def notice_pdf(request, pk):
    notice = selectors.notice_get(request.user, pk)
    settings_row = services.notice_settings(services.county_of(notice.org))
    return _download(
        documents.notice_pdf(notice, settings_row), "application/pdf", _file_name(notice, "pdf")
    )


@requires(MODULE, Action.VIEW)
def notice_docx(request, pk):
    notice = selectors.notice_get(request.user, pk)
    settings_row = services.notice_settings(services.county_of(notice.org))
    return _download(
        documents.notice_docx(notice, settings_row), documents.DOCX_TYPE, _file_name(notice, "docx")
    )


# --- the county's checklist and settings -----------------------------------------------------


@requires(MODULE, Action.VIEW)
def checklist(request):
    county = _county(request)
    items = services.items_ensure(county) if county else []
    can_edit = county is not None and org_in_scope(request.user, MODULE, Action.EDIT, county)
    form = None
    if can_edit:
        form = forms.CheckItemForm(request.POST or None)
        if request.method == "POST":
            response = form_page(
                request,
                form,
                title="",
                crumbs=[],
                on_valid=lambda d: services.check_item_save(actor=request.user, county=county, **d),
                success=lambda i: reverse("rights:checklist"),
                message="已添加检查事项。",
            )
            if response.status_code == 302:
                return response
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "rights/wagechecks/checklist.html",
        {"items": items, "form": form, "county": county, "crumbs": [CHECKS]},
    )


@requires(MODULE, Action.EDIT)
def check_item_edit(request, item_pk):
    """Rename, re-order, narrow or switch off one line of the county's checklist."""
    county = _county(request)
    if county is None or not org_in_scope(request.user, MODULE, Action.EDIT, county):
        raise Http404
    item = next((i for i in services.items_ensure(county) if i.pk == item_pk), None)
    if item is None:
        raise Http404
    form = forms.CheckItemForm(
        request.POST or None,
        initial={
            "name": item.name,
            "scope": item.scope,
            "order": item.order,
            "is_active": item.is_active,
        },
    )
    return form_page(
        request,
        form,
        title=f"修改检查事项：{item.name}",
        crumbs=[CHECKS, ("检查事项", reverse("rights:checklist"))],
        intro="停用的事项不再出现在新的检查记录中，已填写的记录不受影响。",
        on_valid=lambda d: services.check_item_save(
            actor=request.user, county=county, item=item, **d
        ),
        success=lambda i: reverse("rights:checklist"),
        message="检查事项已保存。",
    )


@requires(MODULE, Action.VIEW)
def notice_settings(request):
    """The county's letterhead and periods: editable by those who may edit at the county,
    shown read-only to everyone else."""
    county = _county(request)
    if county is None:
        raise Http404
    current = services.notice_settings(county)
    fields = list(forms.NoticeSettingsForm.base_fields)
    if not org_in_scope(request.user, MODULE, Action.EDIT, county):
        if request.method == "POST":
            raise Http404
        rows = [
            (forms.NoticeSettingsForm.base_fields[f].label, getattr(current, f)) for f in fields
        ]
        return render(
            request,
            "rights/settings_view.html",
            {"title": "一函两书设置", "crumbs": [NOTICES], "rows": rows, "county": county},
        )
    form = forms.NoticeSettingsForm(
        request.POST or None, initial={f: getattr(current, f) for f in fields}
    )
    return form_page(
        request,
        form,
        title="一函两书设置",
        crumbs=[NOTICES],
        intro=f"{county.name}的文书抬头、整改期限和建议书抄送。",
        on_valid=lambda d: services.notice_settings_save(actor=request.user, county=county, **d),
        success=lambda s: reverse("rights:notice_list"),
        message="设置已保存。",
    )
