"""Member registry pages. Views parse input, call one service or selector, render."""

from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gonghui.audit.services import sensitive_view_record
from gonghui.core.errors import ServiceError
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.forms import ReasonForm
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.modules import Action
from gonghui.core.pages import form_apply_error, masked_form_data, posted_org_or_404
from gonghui.core.paging import paginate_peek
from gonghui.core.reports import report_rows
from gonghui.core.scope import can, get_in_scope_or_404, org_in_scope, requires, scope_queryset
from gonghui.members import selectors, services, stats
from gonghui.members.forms import DeactivateForm, MemberForm
from gonghui.members.models import EmploymentForm, MemberStatus
from gonghui.members.transfers.services import member_transfers
from gonghui.orgs.models import Org, OrgStatus
from gonghui.orgs.selectors import enterprise_scoped

MODULE = "members"
FILTER_KEYS = (
    "q",
    "org",
    "employment_form",
    "new_form_only",
    "migrant",
    "joined_year",
    "status",
    "incomplete",
)
EMPLOYER_CHOICES_LIMIT = 1000


def _require(request, action: str) -> None:
    if not can(request.user, MODULE, action):
        raise Http404


def _editable_orgs(request):
    return (
        scope_queryset(Org.objects.all(), request.user, MODULE, Action.EDIT, org_field="")
        .filter(status=OrgStatus.ACTIVE)
        .order_by("path")
    )


def _employers(request, current=None):
    employers = list(enterprise_scoped(request.user).order_by("name")[:EMPLOYER_CHOICES_LIMIT])
    if current is not None and current not in employers:
        employers.insert(0, current)
    return employers


@requires(MODULE, Action.VIEW)
def member_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in FILTER_KEYS}
    within = None
    if filters["org"].isdigit():
        within = get_in_scope_or_404(
            Org.objects.all(), request.user, MODULE, Action.VIEW, pk=int(filters["org"])
        )
    query = {k: v for k, v in filters.items() if k != "org"}
    # The list never shows the ID number or phone: leave them encrypted in the database.
    members = selectors.member_list(request.user, org=within, **query).defer("id_number", "phone")
    return render(
        request,
        "members/member_list.html",
        {
            **paginate_peek(request, members),
            "filters": filters,
            "within": within,
            "org_choices": scope_queryset(
                Org.objects.filter(level__lte=5), request.user, MODULE, Action.VIEW, org_field=""
            ).order_by("path")[:300],
            "employment_form_choices": EmploymentForm.choices,
            "status_choices": MemberStatus.choices,
            "can_edit": can(request.user, MODULE, Action.EDIT),
            "can_export": can(request.user, MODULE, Action.EXPORT),
            "can_export_sensitive": can(request.user, MODULE, Action.EXPORT)
            and can(request.user, MODULE, Action.VIEW_SENSITIVE),
        },
    )


def _detail_context(request, member, **extra) -> dict:
    return {
        "m": member,
        "events": selectors.member_events(request.user, member),
        "transfers": list(member_transfers(member)),
        "id_masked": mask_id_number(member.id_number),
        "phone_masked": mask_phone(member.phone),
        "can_edit": member.is_active
        and org_in_scope(request.user, MODULE, Action.EDIT, member.org),
        "can_unmask": org_in_scope(request.user, MODULE, Action.VIEW_SENSITIVE, member.org),
        "unmask_form": ReasonForm(),
        **extra,
    }


@login_required
def member_detail(request, pk):
    _require(request, Action.VIEW)
    member = selectors.member_get(request.user, pk)
    return render(request, "members/member_detail.html", _detail_context(request, member))


@login_required
@require_POST
def member_unmask(request, pk):
    """Show the ID number and phone in full: needs view-sensitive and a reason; audited."""
    member = selectors.member_get(request.user, pk, Action.VIEW_SENSITIVE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "查看完整信息须填写事由。")
        return redirect("members:detail", pk=member.pk)
    sensitive_view_record(
        actor=request.user,
        obj=member,
        fields=["id_number", "phone"],
        reason=form.cleaned_data["reason"],
    )
    return render(
        request,
        "members/member_detail.html",
        _detail_context(
            request,
            member,
            id_plain=member.id_number,
            phone_plain=member.phone,
            unmask_form=None,
        ),
    )


def _form_data(form) -> dict:
    data = dict(form.cleaned_data)
    data.pop("version", None)
    data.pop("org", None)
    return data


def _employer_from(request, data: dict, employers) -> None:
    pk = data.get("employer")
    data["employer"] = next((e for e in employers if e.pk == pk), None) if pk else None


def _member_check(request, employers, member=None):
    """The service's field checks for a form whose own fields failed (one round of errors)."""

    def check(cleaned: dict) -> None:
        data = {k: v for k, v in cleaned.items() if k not in ("version", "org")}
        _employer_from(request, data, employers)
        services.member_validate(actor=request.user, member=member, **data)

    return check


@login_required
def member_create(request):
    _require(request, Action.EDIT)
    if request.method == "POST":
        posted_org_or_404(request, "org", MODULE, Action.EDIT)
    orgs = _editable_orgs(request)
    employers = _employers(request)
    form = MemberForm(
        request.POST or None,
        orgs=orgs,
        employers=employers,
        check=_member_check(request, employers),
    )
    if request.method == "POST" and form.is_valid():
        org = orgs.get(pk=form.cleaned_data["org"])
        data = _form_data(form)
        _employer_from(request, data, employers)
        try:
            member = services.member_register(actor=request.user, org=org, **data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已登记会员：{member.name}，会员卡号 {member.card_number}。")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "creating": True})


@login_required
def member_edit(request, pk):
    _require(request, Action.EDIT)
    member = selectors.member_get(request.user, pk, Action.EDIT)
    if not member.is_active:
        messages.error(request, "已退会的会员不能修改信息。")
        return redirect("members:detail", pk=member.pk)
    employers = _employers(request, member.employer)
    initial = {f: getattr(member, f) for f in services.MEMBER_EDITABLE_FIELDS}
    # Gender and birth date follow the ID number: blank unless the user wants them checked.
    initial.update(gender="", birth_date=None, employer=member.employer_id, version=member.version)
    masked, posted = masked_form_data(
        request, member, {"id_number": mask_id_number, "phone": mask_phone}
    )
    initial.update(masked)
    form = MemberForm(
        posted,
        initial=initial,
        employers=employers,
        check=_member_check(request, employers, member),
    )
    if request.method == "POST" and form.is_valid():
        data = _form_data(form)
        _employer_from(request, data, employers)
        try:
            services.member_update(
                actor=request.user,
                member=member,
                version=form.cleaned_data.get("version"),
                **data,
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "会员信息已保存。")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_form.html", {"form": form, "m": member})


@login_required
def member_deactivate(request, pk):
    _require(request, Action.EDIT)
    member = selectors.member_get(request.user, pk, Action.EDIT)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_deactivate(
                actor=request.user, member=member, reason=form.cleaned_data["reason"]
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"{member.name} 已退会，会员档案和会籍记录仍然保留。")
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/member_deactivate.html", {"form": form, "m": member})


@login_required
def member_card(request, pk):
    _require(request, Action.VIEW)
    member = selectors.member_get(request.user, pk)
    qr_svg = segno.make_qr(member.card_number, error="m").svg_inline(
        scale=5, title=f"会员卡号 {member.card_number}"
    )
    return render(request, "members/member_card.html", {"m": member, "qr_svg": qr_svg})


# --- export and statistics -------------------------------------------------------------

EXPORT_MAX_ROWS = 200_000
EXPORT_HEADERS = [
    "会员卡号",
    "姓名",
    "性别",
    "出生日期",
    "民族",
    "身份证号",
    "手机号码",
    "学历",
    "技能等级",
    "户籍类型",
    "户籍所在地",
    "政治面貌",
    "工作单位",
    "农民工",
    "就业形态",
    "所属工会",
    "所属工会编码",
    "入会日期",
    "状态",
    "退会日期",
    "信息待补全",
]


def _export_filters(request, source, action: str):
    """The list filters from GET (or the hidden fields of the unmask form) and the org."""
    filters = {k: (source.get(k) or "").strip() for k in FILTER_KEYS}
    within = None
    if filters["org"].isdigit():
        within = get_in_scope_or_404(
            Org.objects.all(), request.user, MODULE, action, pk=int(filters["org"])
        )
    return filters, within


def _export_rows(members, masked: bool):
    for m in members.iterator(chunk_size=2000):
        yield [
            m.card_number,
            m.name,
            m.get_gender_display(),
            m.birth_date,
            m.get_ethnicity_display(),
            mask_id_number(m.id_number) if masked else m.id_number,
            mask_phone(m.phone) if masked else m.phone,
            m.get_education_display(),
            m.get_skill_level_display(),
            m.get_hukou_type_display(),
            m.hukou_place,
            m.get_political_status_display(),
            m.employer.name if m.employer else m.employer_name,
            m.is_migrant_worker,
            m.get_employment_form_display(),
            m.org.name,
            m.org.code,
            m.joined_on,
            m.get_status_display(),
            m.deactivated_on,
            "、".join(m.to_complete),
        ]


@login_required
def member_export(request):
    """The filtered list as .xlsx: masked by default (GET). Unmasked (POST) only with
    view-sensitive in the same scope and a reason; every export is audited."""
    _require(request, Action.EXPORT)
    unmask = request.method == "POST" or request.GET.get("unmask") == "1"
    if unmask:
        _require(request, Action.VIEW_SENSITIVE)
    source = request.POST if request.method == "POST" else request.GET
    filters, within = _export_filters(request, source, Action.EXPORT)
    query = {k: v for k, v in filters.items() if k != "org"}
    if request.method != "POST" and unmask:
        # The small form asking for the reason; the filters ride along as hidden fields.
        return render(
            request,
            "members/member_export.html",
            {"form": ReasonForm(), "filters": filters, "within": within},
        )
    reason = ""
    if unmask:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            return render(
                request,
                "members/member_export.html",
                {"form": form, "filters": filters, "within": within},
            )
        reason = form.cleaned_data["reason"]
    members = selectors.member_list(request.user, org=within, action=Action.EXPORT, **query)
    if unmask:  # both grants must cover each exported row
        members = scope_queryset(members, request.user, MODULE, Action.VIEW_SENSITIVE)
    members = members.select_related("org", "employer").order_by("id")
    if members.values_list("id", flat=True)[EXPORT_MAX_ROWS : EXPORT_MAX_ROWS + 1]:
        messages.error(
            request,
            f"符合条件的会员超过 {EXPORT_MAX_ROWS:,} 人，无法一次导出，请缩小筛选范围后再导出。",
        )
        params = urlencode({k: v for k, v in filters.items() if v})
        return redirect(f"{reverse('members:list')}?{params}" if params else "members:list")
    content = export_workbook(
        actor=request.user,
        what="members",
        headers=EXPORT_HEADERS,
        rows=_export_rows(members, not unmask),
        sheet_name="会员名册",
        filters=filters,
        masked=not unmask,
        reason=reason,
    )
    return xlsx_response(content, "会员名册" if not unmask else "会员名册-未脱敏")


def _chart_data(stats) -> dict:
    rows = [r for r in stats.rows if not r.is_empty]  # no empty bars
    return {
        "orgs": [f"{r.name}(本级)" if r.own_only else r.name for r in rows],
        "members": [r.members for r in rows],
        "coverage": [None if r.coverage is None else round(r.coverage * 100, 1) for r in rows],
        "membership_rate": [
            None if r.membership_rate is None else round(r.membership_rate * 100, 1) for r in rows
        ],
        "forms": [{"name": label, "value": n} for _code, label, n in stats.by_form],
        "years": [str(year) for year, _n in stats.by_year],
        "year_counts": [n for _year, n in stats.by_year],
    }


@requires(MODULE, Action.VIEW)
def member_stats(request):
    """Members by org, employment form and year; 建会率 and 入会率 per org; with charts."""
    data = stats.member_stats(request.user, Action.VIEW)
    headers, rows = stats.stats_table(data)
    return render(
        request,
        "members/member_stats.html",
        {
            "stats": data,
            "headers": headers,
            "table": report_rows(headers, rows, [*data.rows, data.total]) if data.rows else [],
            "chart_data": _chart_data(data),
            "can_export": can(request.user, MODULE, Action.EXPORT),
        },
    )


@login_required
def member_stats_export(request):
    """The statistics table as .xlsx (counts only, no personal data); audited."""
    _require(request, Action.EXPORT)
    data = stats.member_stats(request.user, Action.EXPORT)
    headers, rows = stats.stats_table(data)
    content = export_workbook(
        actor=request.user,
        what="member_stats",
        headers=headers,
        rows=rows,
        sheet_name="会员统计",
        title="会员统计",
    )
    return xlsx_response(content, "会员统计")
