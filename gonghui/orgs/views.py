"""Org tree and employer pages. Views parse input, call one service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.audit.services import sensitive_view_record
from gonghui.core.errors import ServiceError
from gonghui.core.export import export_workbook, xlsx_response
from gonghui.core.forms import ReasonForm
from gonghui.core.masking import mask_phone
from gonghui.core.modules import Action
from gonghui.core.pages import (
    form_apply_error,
    masked_form_data,
    org_param_or_404,
    paginate,
    posted_org_or_404,
)
from gonghui.core.scope import can, org_in_scope, requires
from gonghui.orgs import selectors, services
from gonghui.orgs.forms import EnterpriseForm, OrgForm, OrgMoveForm
from gonghui.orgs.models import (
    EnterpriseSize,
    EnterpriseStatus,
    Industry,
    OrgLevel,
    OrgStatus,
    OrgType,
)


def _require(request, action: str) -> None:
    if not can(request.user, "orgs", action):
        raise Http404


def _editable_orgs(request):
    return (
        selectors.org_scoped(request.user, Action.EDIT)
        .filter(status=OrgStatus.ACTIVE)
        .order_by("path")
    )


# --- tree -------------------------------------------------------------------------


@requires("orgs", Action.VIEW)
def tree(request):
    q = request.GET.get("q", "").strip()
    matches, expand = selectors.org_tree_search(request.user, q) if q else ([], set())
    roots = list(selectors.org_roots(request.user))
    if not q:
        expand = {org.pk for org in roots}  # the tree opens at its first level
    nodes = [_tree_node(request.user, org, expand, {m.pk for m in matches}) for org in roots]
    return render(
        request,
        "orgs/tree.html",
        {
            "nodes": nodes,
            "q": q,
            "matches": matches,
            "can_edit": can(request.user, "orgs", Action.EDIT),
        },
    )


def _tree_node(user, org, expand: set[int], highlighted: set[int]) -> dict:
    """A node with its children filled in only along the paths to search matches."""
    children = None
    if org.pk in expand:
        children = [
            _tree_node(user, c, expand, highlighted) for c in selectors.org_children(user, org)
        ]
    child_count = getattr(org, "child_count", None)
    if child_count is None:
        child_count = org.children.count()
    return {
        "org": org,
        "children": children,
        "child_count": child_count,
        "match": org.pk in highlighted,
    }


@login_required
def tree_children(request, pk):
    _require(request, Action.VIEW)
    parent = selectors.org_get(request.user, pk)
    nodes = [
        {"org": c, "children": None, "child_count": c.child_count, "match": False}
        for c in selectors.org_children(request.user, parent)
    ]
    return render(request, "orgs/_tree_children.html", {"nodes": nodes})


# --- list / detail ----------------------------------------------------------------

ORG_FILTER_KEYS = ("q", "type", "level", "status")


def _editable_on_page(request, page: dict, org_of) -> set[int]:
    """The rows of this page the user may edit (their row actions): an in-memory check
    against the user's edit scope, no query per row."""
    return {
        row.pk
        for row in page["page_obj"]
        if org_in_scope(request.user, "orgs", Action.EDIT, org_of(row))
    }


@requires("orgs", Action.VIEW)
def org_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ORG_FILTER_KEYS}
    within = org_param_or_404(request, "orgs")
    orgs = selectors.org_list(request.user, within=within, **filters)
    page = paginate(request, orgs)
    return render(
        request,
        "orgs/org_list.html",
        {
            **page,
            "editable": _editable_on_page(request, page, lambda o: o),
            "filters": filters,
            "within": within,
            "type_choices": OrgType.choices,
            "level_choices": OrgLevel.choices,
            "status_choices": OrgStatus.choices,
            "can_edit": can(request.user, "orgs", Action.EDIT),
            "can_export": can(request.user, "orgs", Action.EXPORT),
        },
    )


@login_required
def org_detail(request, pk):
    _require(request, Action.VIEW)
    org = selectors.org_get(request.user, pk)
    ancestors = (
        selectors.org_scoped(request.user).filter(pk__in=org.ancestor_ids()).order_by("depth")
    )
    return render(
        request,
        "orgs/org_detail.html",
        {
            "org": org,
            "ancestors": ancestors,
            "children": selectors.org_children(request.user, org),
            "counts": selectors.org_subtree_counts(request.user, org),
            "enterprises": selectors.enterprise_list(request.user, within=org)[:10],
            "can_edit": org_in_scope(request.user, "orgs", Action.EDIT, org),
            "phone_masked": mask_phone(org.contact_phone),
        },
    )


def _org_check(request, parents=None, org=None):
    """The service's field checks for a form whose own fields failed (one round of errors)."""

    def check(cleaned: dict) -> None:
        data = {k: v for k, v in cleaned.items() if k != "version"}
        parent_pk = data.pop("parent", None)
        parent = parents.filter(pk=parent_pk).first() if parents is not None and parent_pk else None
        services.org_validate(actor=request.user, parent=parent, org=org, **data)

    return check


@login_required
def org_create(request):
    _require(request, Action.EDIT)
    parents = _editable_orgs(request)
    if request.method == "POST":
        posted_org_or_404(request, "parent", "orgs", Action.EDIT)
    initial = {}
    if request.GET.get("parent"):
        initial["parent"] = request.GET["parent"]
    form = OrgForm(
        request.POST or None, parents=parents, initial=initial, check=_org_check(request, parents)
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("version", None)
        parent = parents.filter(pk=data.pop("parent")).first()
        try:
            org = services.org_create(actor=request.user, parent=parent, **data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已新建组织：{org.name}(编码 {org.code})。")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "creating": True})


@login_required
def org_edit(request, pk):
    _require(request, Action.EDIT)
    org = selectors.org_get(request.user, pk, Action.EDIT)
    initial = {f: getattr(org, f) for f in services.ORG_EDITABLE_FIELDS}
    initial["version"] = org.version
    # A village union's "office" phone is often the chair's mobile: masked like any phone.
    masked, posted = masked_form_data(request, org, {"contact_phone": mask_phone})
    initial.update(masked)
    form = OrgForm(posted, initial=initial, editing=True, check=_org_check(request, org=org))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            services.org_update(actor=request.user, org=org, version=version, **data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "组织信息已保存。")
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_form.html", {"form": form, "org": org})


@login_required
def org_move(request, pk):
    _require(request, Action.EDIT)
    org = selectors.org_get(request.user, pk, Action.EDIT)
    if request.method == "POST":
        posted_org_or_404(request, "new_parent", "orgs", Action.EDIT)
    parents = _editable_orgs(request).exclude(path__startswith=org.path).filter(level__lt=org.level)
    form = OrgMoveForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        new_parent = selectors.org_get(request.user, form.cleaned_data["new_parent"], Action.EDIT)
        try:
            services.org_move(actor=request.user, org=org, new_parent=new_parent)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(
                request, f"已将「{org.name}」及其下级组织移动到「{new_parent.name}」之下。"
            )
            return redirect("orgs:detail", pk=org.pk)
    return render(request, "orgs/org_move.html", {"form": form, "org": org})


@login_required
def org_deactivate(request, pk):
    _require(request, Action.EDIT)
    org = selectors.org_get(request.user, pk, Action.EDIT)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_deactivate(actor=request.user, org=org, reason=form.cleaned_data["reason"])
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已撤销组织：{org.name}。其历史记录仍然保留。")
            return redirect("orgs:detail", pk=org.pk)
    return render(
        request,
        "orgs/org_deactivate.html",
        {"form": form, "org": org, "owned": services.org_owned_record_count(org)},
    )


@login_required
@require_POST
def org_reactivate(request, pk):
    _require(request, Action.EDIT)
    org = selectors.org_get(request.user, pk, Action.EDIT)
    try:
        services.org_reactivate(actor=request.user, org=org)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已恢复组织：{org.name}。")
    return redirect("orgs:detail", pk=org.pk)


@login_required
@require_POST
def org_delete(request, pk):
    _require(request, Action.EDIT)
    org = selectors.org_get(request.user, pk, Action.EDIT)
    parent_pk = org.parent_id
    try:
        services.org_delete(actor=request.user, org=org)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return redirect("orgs:detail", pk=org.pk)
    messages.success(request, f"已删除组织：{org.name}。")
    return redirect("orgs:detail", pk=parent_pk) if parent_pk else redirect("orgs:tree")


@login_required
def org_export(request):
    _require(request, Action.EXPORT)
    filters = {k: request.GET.get(k, "").strip() for k in ORG_FILTER_KEYS}
    within = org_param_or_404(request, "orgs", Action.EXPORT)
    orgs = selectors.org_list(request.user, within=within, **filters).filter(
        pk__in=selectors.org_scoped(request.user, Action.EXPORT).values("pk")
    )
    headers = [
        "组织名称",
        "组织编码",
        "上级组织",
        "上级组织编码",
        "组织类型",
        "层级",
        "行政区划代码",
        "工会主席",
        "办公电话",
        "地址",
        "状态",
    ]
    rows = (
        [
            o.name,
            o.code,
            o.parent.name if o.parent else "",
            o.parent.code if o.parent else "",
            o.get_type_display(),
            o.get_level_display(),
            o.division_code,
            o.chair_name,
            mask_phone(o.contact_phone),
            o.address,
            o.get_status_display(),
        ]
        for o in orgs.iterator(chunk_size=2000)
    )
    content = export_workbook(
        actor=request.user,
        what="orgs",
        headers=headers,
        rows=rows,
        sheet_name="工会组织",
        filters=filters | ({"org": str(within.pk)} if within else {}),
    )
    return xlsx_response(content, "工会组织")


@login_required
def org_autocomplete(request):
    _require(request, Action.VIEW)
    orgs = selectors.org_autocomplete(request.user, request.GET.get("q", ""))
    return JsonResponse({"results": [{"id": o.pk, "name": o.name, "code": o.code} for o in orgs]})


# --- employers --------------------------------------------------------------------

ENTERPRISE_FILTER_KEYS = ("q", "industry", "size", "has_union", "status", "verified")


@requires("orgs", Action.VIEW)
def enterprise_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ENTERPRISE_FILTER_KEYS}
    within = org_param_or_404(request, "orgs")
    enterprises = selectors.enterprise_list(request.user, within=within, **filters)
    page = paginate(request, enterprises)
    return render(
        request,
        "orgs/enterprise_list.html",
        {
            **page,
            "editable": _editable_on_page(request, page, lambda e: e.org),
            "filters": filters,
            "within": within,
            "industry_choices": Industry.choices,
            "size_choices": EnterpriseSize.choices,
            "status_choices": EnterpriseStatus.choices,
            "can_edit": can(request.user, "orgs", Action.EDIT),
            "can_export": can(request.user, "orgs", Action.EXPORT),
        },
    )


@login_required
def enterprise_detail(request, pk):
    _require(request, Action.VIEW)
    enterprise = selectors.enterprise_get(request.user, pk)
    return render(
        request,
        "orgs/enterprise_detail.html",
        {
            "e": enterprise,
            "phone_masked": mask_phone(enterprise.contact_phone),
            "can_edit": org_in_scope(request.user, "orgs", Action.EDIT, enterprise.org),
            "can_unmask": org_in_scope(request.user, "orgs", Action.VIEW_SENSITIVE, enterprise.org),
            "unmask_form": ReasonForm(),
        },
    )


@login_required
@require_POST
def enterprise_unmask(request, pk):
    """Show the contact phone in full: needs view-sensitive and a reason; audited."""
    enterprise = selectors.enterprise_get(request.user, pk, Action.VIEW_SENSITIVE)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "查看完整信息须填写事由。")
        return redirect("orgs:enterprise_detail", pk=enterprise.pk)
    sensitive_view_record(
        actor=request.user,
        obj=enterprise,
        fields=["contact_phone"],
        reason=form.cleaned_data["reason"],
    )
    return render(
        request,
        "orgs/enterprise_detail.html",
        {
            "e": enterprise,
            "phone_masked": mask_phone(enterprise.contact_phone),
            "phone_plain": enterprise.contact_phone,
            "can_edit": org_in_scope(request.user, "orgs", Action.EDIT, enterprise.org),
            "can_unmask": True,
            "unmask_form": None,
        },
    )


def _posted_enterprise_orgs_or_404(request) -> None:
    if request.method == "POST":
        posted_org_or_404(request, "org", "orgs", Action.EDIT)
        posted_org_or_404(request, "union", "orgs", Action.EDIT)


def _enterprise_form_data(request, form, orgs, cleaned: dict | None = None) -> dict:
    data = dict(form.cleaned_data if cleaned is None else cleaned)
    data.pop("version", None)
    data["org"] = orgs.filter(pk=data["org"]).first() if data.get("org") else None
    data["union"] = orgs.filter(pk=data["union"]).first() if data.get("union") else None
    return data


def _enterprise_check(request, orgs, enterprise=None):
    """The service's field checks for a form whose own fields failed (one round of errors)."""

    def check(cleaned: dict) -> None:
        data = _enterprise_form_data(request, None, orgs, cleaned)
        services.enterprise_validate(actor=request.user, enterprise=enterprise, **data)

    return check


@login_required
def enterprise_create(request):
    _require(request, Action.EDIT)
    _posted_enterprise_orgs_or_404(request)
    orgs = _editable_orgs(request)
    form = EnterpriseForm(request.POST or None, orgs=orgs, check=_enterprise_check(request, orgs))
    if request.method == "POST" and form.is_valid():
        try:
            enterprise = services.enterprise_create(
                actor=request.user, **_enterprise_form_data(request, form, orgs)
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, f"已登记用人单位：{enterprise.name}。")
            return redirect("orgs:enterprise_detail", pk=enterprise.pk)
    return render(request, "orgs/enterprise_form.html", {"form": form, "creating": True})


@login_required
def enterprise_edit(request, pk):
    _require(request, Action.EDIT)
    enterprise = selectors.enterprise_get(request.user, pk, Action.EDIT)
    _posted_enterprise_orgs_or_404(request)
    orgs = _editable_orgs(request)
    initial = {
        f: getattr(enterprise, f) for f in services.ENTERPRISE_FIELDS if f not in {"org", "union"}
    }
    initial.update(org=enterprise.org_id, union=enterprise.union_id, version=enterprise.version)
    masked, posted = masked_form_data(request, enterprise, {"contact_phone": mask_phone})
    initial.update(masked)
    form = EnterpriseForm(
        posted, orgs=orgs, initial=initial, check=_enterprise_check(request, orgs, enterprise)
    )
    if request.method == "POST" and form.is_valid():
        data = _enterprise_form_data(request, form, orgs)
        try:
            services.enterprise_update(
                actor=request.user,
                enterprise=enterprise,
                version=form.cleaned_data.get("version"),
                **data,
            )
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, "用人单位信息已保存。")
            return redirect("orgs:enterprise_detail", pk=enterprise.pk)
    return render(request, "orgs/enterprise_form.html", {"form": form, "e": enterprise})


@login_required
def enterprise_export(request):
    _require(request, Action.EXPORT)
    filters = {k: request.GET.get(k, "").strip() for k in ENTERPRISE_FILTER_KEYS}
    within = org_param_or_404(request, "orgs", Action.EXPORT)
    enterprises = selectors.enterprise_list(
        request.user, action=Action.EXPORT, within=within, **filters
    ).select_related("union")
    headers = [
        "单位名称",
        "统一社会信用代码",
        "行业",
        "规模",
        "经济类型",
        "职工人数",
        "是否建会",
        "本单位工会",
        "覆盖工会",
        "覆盖工会编码",
        "所在行政区划代码",
        "地址",
        "法定代表人",
        "联系人",
        "联系电话",
        "状态",
    ]
    rows = (
        [
            e.name,
            e.credit_code or "",
            e.get_industry_display(),
            e.get_size_display(),
            e.get_economic_type_display(),
            e.employee_count,
            e.has_union,
            e.union.name if e.union else "",
            e.org.name,
            e.org.code,
            e.division_code,
            e.address,
            e.legal_representative,
            e.contact_name,
            mask_phone(e.contact_phone),
            e.get_status_display(),
        ]
        for e in enterprises.iterator(chunk_size=2000)
    )
    content = export_workbook(
        actor=request.user,
        what="enterprises",
        headers=headers,
        rows=rows,
        sheet_name="用人单位",
        filters=filters | ({"org": str(within.pk)} if within else {}),
    )
    return xlsx_response(content, "用人单位")


@login_required
def enterprise_autocomplete(request):
    _require(request, Action.VIEW)
    items = selectors.enterprise_autocomplete(request.user, request.GET.get("q", ""))
    return JsonResponse(
        {
            "results": [
                {"id": e.pk, "name": e.name, "credit_code": e.credit_code or ""} for e in items
            ]
        }
    )
