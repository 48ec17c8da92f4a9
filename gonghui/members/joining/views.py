"""Online joining pages: the public application and status check, and the staff review queue."""

from django import forms
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.errors import ServiceError
from gonghui.core.forms import Form
from gonghui.core.masking import mask_id_number, mask_phone
from gonghui.core.modules import Action
from gonghui.core.request_context import client_ip
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.core.views_helpers import form_apply_error, paginate
from gonghui.members.joining import services as joining
from gonghui.members.models import (
    NEW_EMPLOYMENT_FORMS,
    EmploymentForm,
    JoinPath,
    JoinStatus,
)

MODULE = "members"
DONE_SESSION_KEY = "join_done"


def _employment_form_choices():
    new = [(f.value, f.label) for f in NEW_EMPLOYMENT_FORMS]
    others = [(v, label) for v, label in EmploymentForm.choices if v not in dict(new)]
    return [("", "请选择"), ("常规就业", others), ("新就业形态劳动者", new)]


class JoinForm(Form):
    """Parses the public application; joining.application_submit validates."""

    name = forms.CharField(
        label="姓名",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label="身份证号",
        required=False,
        max_length=40,
        help_text="18 位居民身份证号码；性别和出生日期按证号自动确定。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="手机号码",
        required=False,
        max_length=20,
        help_text="用于查询审核进度。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    # Choice inputs are parsed as text: the service answers an unknown value at the field.
    employment_form = forms.CharField(label="就业形态", required=False, widget=forms.Select)
    path = forms.CharField(
        label="入会途径",
        required=False,
        widget=forms.RadioSelect(
            choices=[
                (JoinPath.EMPLOYER_UNION, "我的工作单位已建立工会"),
                (JoinPath.HOLDING_POOL, "单位未建会/无固定单位"),
            ]
        ),
    )
    employer_query = forms.CharField(
        label="工作单位",
        required=False,
        max_length=150,
        help_text="输入单位名称或统一社会信用代码，从搜索结果中选择。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "data-employer-search": ""}),
    )
    employer = forms.CharField(required=False, widget=forms.HiddenInput)
    pool_org = forms.CharField(label="乡镇(街道)工会", required=False, widget=forms.Select)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employment_form"].widget.choices = _employment_form_choices()
        self.fields["pool_org"].widget.choices = [("", "请选择")] + [
            (str(o.pk), o.name) for o in joining.holding_pool_orgs()
        ]


class StatusForm(Form):
    id_number = forms.CharField(
        label="身份证号",
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="手机号码",
        required=False,
        max_length=20,
        help_text="申请时填写的手机号码。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class RejectForm(Form):
    reason = forms.CharField(
        label="未通过原因",
        max_length=200,
        help_text="申请人查询进度时可以看到。",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- public ---------------------------------------------------------------------------


@csrf_protect
def join_apply(request):
    form = JoinForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            app = joining.application_submit(
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                employment_form=data["employment_form"],
                path=data["path"],
                employer_id=data["employer"] or None,
                employer_query=data["employer_query"],
                pool_org_id=data["pool_org"] or None,
                ip=client_ip(request),
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
            status = exc.status
        else:
            request.session[DONE_SESSION_KEY] = {
                "union": app.org.name,
                "path": app.path,
                "name": app.name,
            }
            return redirect("join:done")
    return render(
        request,
        "members/join/apply.html",
        {"form": form, "employer_search_limit": joining.EMPLOYER_SEARCH_LIMIT},
        status=status,
    )


def join_done(request):
    done = request.session.get(DONE_SESSION_KEY)
    if not done:
        return redirect("join:apply")
    return render(
        request,
        "members/join/done.html",
        {"done": done, "holding_pool": done.get("path") == JoinPath.HOLDING_POOL},
    )


@require_GET
def employer_search(request):
    """Employers with a union, by name or credit code: id, name and code only, at most 10."""
    return JsonResponse(
        {"results": joining.employer_search(request.GET.get("q", ""))},
        json_dumps_params={"ensure_ascii": False},
    )


@csrf_protect
def join_status(request):
    form = StatusForm(request.POST or None)
    result, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            result = joining.application_status_check(
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"],
                ip=client_ip(request),
            )
        except ServiceError as exc:
            status = exc.status
            if exc.fields:
                form_apply_error(request, form, exc)
            else:
                form.add_error(None, exc.message)
    return render(
        request, "members/join/status.html", {"form": form, "result": result}, status=status
    )


# --- staff review ---------------------------------------------------------------------


@requires(MODULE, Action.VIEW)
def join_list(request):
    """The review queue; read-only (no decisions) for those who may only view members."""
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "path", "q")}
    if "status" not in request.GET:
        filters["status"] = JoinStatus.PENDING
    apps = joining.application_list(request.user, **filters)
    return render(
        request,
        "members/join/review_list.html",
        {
            **paginate(request, apps),
            "filters": filters,
            "status_choices": JoinStatus.choices,
            "path_choices": JoinPath.choices,
            "can_review": can(request.user, MODULE, Action.APPROVE),
        },
    )


def _detail(request, app, reject_form=None, status=200):
    return render(
        request,
        "members/join/review_detail.html",
        {
            "a": app,
            "id_masked": mask_id_number(app.id_number),
            "phone_masked": mask_phone(app.phone),
            "can_review": org_in_scope(request.user, MODULE, Action.APPROVE, app.org),
            "reject_form": reject_form or RejectForm(),
        },
        status=status,
    )


@requires(MODULE, Action.VIEW)
def join_detail(request, pk):
    return _detail(request, joining.application_get(request.user, pk, Action.VIEW))


@require_POST
@requires(MODULE, Action.APPROVE)
def join_approve(request, pk):
    app = joining.application_get(request.user, pk)
    try:
        member = joining.application_approve(actor=request.user, application=app)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("members:join_detail", pk=app.pk)
    messages.success(request, f"已批准入会：{member.name}，会员卡号 {member.card_number}。")
    return redirect("members:join_detail", pk=app.pk)


@require_POST
@requires(MODULE, Action.APPROVE)
def join_reject(request, pk):
    app = joining.application_get(request.user, pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写未通过原因。")
        return _detail(request, app, reject_form=form, status=422)
    try:
        joining.application_reject(
            actor=request.user, application=app, reason=form.cleaned_data["reason"]
        )
    except ServiceError as exc:
        form_apply_error(request, form, exc)
        return _detail(request, app, reject_form=form, status=exc.status)
    messages.success(request, f"已退回 {app.name} 的入会申请。")
    return redirect("members:join_detail", pk=app.pk)
