"""困难职工自测 and the hardship application on the portal (public, phone-first, no JS needed).

Self-check → result with the calculation → "申请建档" posts the figures to the application
form (prefill, nothing stored) → submit → done page; a status check by ID number + phone.
The rules live in gonghui.assistance.public; these views parse, call it, render.
"""

from django import forms
from django.forms import formset_factory
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_protect

from gonghui.assistance.archives import public
from gonghui.assistance.choices import (
    DisabilityLevel,
    HardshipCause,
    HealthStatus,
    Housing,
    Relation,
    SchoolStage,
    WorkStatus,
)
from gonghui.core.errors import ServiceError
from gonghui.core.forms import Form, FormSet, forms_valid
from gonghui.core.request_context import client_ip
from gonghui.core.views_helpers import form_apply_error
from gonghui.members.models import HukouType

DONE_SESSION_KEY = "hardship_apply_done"
FIGURES = (
    "township",
    "household_size",
    "annual_income",
    "medical_expense",
    "schooling_expense",
    "disability_expense",
    "disaster",
)
DEFAULT_MEMBER_ROWS = 2
_NUMBER = {"inputmode": "decimal", "autocomplete": "off", "placeholder": "0"}


def _text(label, *, help_text="", attrs=None, max_length=30, required=False):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs=attrs or {}),
    )


def _select(label, choices, blank="请选择", required=False):
    return forms.ChoiceField(
        label=label,
        required=required,
        choices=([("", blank)] if blank else []) + list(choices),
    )


def _township_choices():
    return [("", "请选择")] + [(str(t.pk), t.name) for t in public.public_townships()]


class FiguresForm(Form):
    """The self-check inputs (also the figures part of the application)."""

    township = forms.CharField(label="所在乡镇(街道)", widget=forms.Select)
    household_size = _text(
        "家庭人口(含本人)",
        help_text="共同生活的家庭成员人数。",
        attrs={"inputmode": "numeric", "autocomplete": "off"},
        max_length=3,
        required=True,
    )
    annual_income = _text(
        "家庭年收入(元)",
        help_text="全家一年的工资、经营、养老金、补贴等收入合计；没有收入请填 0。",
        attrs={"inputmode": "decimal", "autocomplete": "off"},
        required=True,
    )
    medical_expense = _text(
        "一年自付医疗费用(元)", help_text="医保报销后自己承担的部分。", attrs=_NUMBER
    )
    schooling_expense = _text("一年子女上学费用(元)", attrs=_NUMBER)
    disability_expense = _text("一年残疾康复费用(元)", attrs=_NUMBER)
    disaster = forms.ChoiceField(
        label="今年是否遭遇自然灾害或意外事故",
        required=False,
        initial="",
        choices=public.DISASTER_CHOICES,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].widget.choices = _township_choices()


class ApplyForm(FiguresForm):
    name = _text("姓名", attrs={"autocomplete": "name"}, max_length=50, required=True)
    id_number = _text(
        "身份证号",
        help_text="18 位居民身份证号码；同一家庭只能申请一份档案。",
        attrs={"autocomplete": "off", "spellcheck": "false"},
        max_length=40,
        required=True,
    )
    phone = _text(
        "手机号码",
        help_text="用于查询办理进度，工会核实时也会联系您。",
        attrs={"inputmode": "tel", "autocomplete": "tel"},
        required=True,
    )
    employer_name = _text("工作单位", help_text="没有固定单位可不填。", max_length=150)
    address = forms.CharField(
        label="家庭住址",
        max_length=200,
        help_text="工会将入户核实，请填写到门牌号。",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    hukou_type = _select("户籍类型", HukouType.choices, required=True)
    is_migrant_worker = forms.BooleanField(label="我是农民工(进城务工)", required=False)
    health_status = _select("本人健康状况", HealthStatus.choices, blank="")
    disability_level = _select("本人残疾情况", DisabilityLevel.choices, blank="")
    work_status = _select("本人就业状况", WorkStatus.choices, blank="")
    housing = _select("住房情况", Housing.choices, blank="")
    is_single_parent = forms.BooleanField(label="单亲家庭", required=False)
    is_zero_employment = forms.BooleanField(label="零就业家庭(家中无人就业)", required=False)
    main_cause = _select("主要困难原因", HardshipCause.choices, required=True)
    secondary_causes = forms.MultipleChoiceField(
        label="其他困难原因(可选，最多三项)",
        required=False,
        choices=HardshipCause.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    promise = forms.BooleanField(
        label="本人承诺以上信息真实，同意工会入户核实家庭收入和财产情况。",
        required=True,
    )

    message_names = {"promise": "承诺"}
    field_order = [
        "township",
        "name",
        "id_number",
        "phone",
        "address",
        "employer_name",
        "hukou_type",
        "is_migrant_worker",
        "health_status",
        "disability_level",
        "work_status",
        "housing",
    ]

    def service_data(self) -> dict:
        """The archive's fields from the cleaned data (or the part of it that parsed)."""
        data = dict(self.cleaned_data)
        for key in ("township", "disaster", "promise"):
            data.pop(key, None)
        for key in ("health_status", "disability_level", "work_status", "housing"):
            data[key] = data.get(key) or public.services.ARCHIVE_DEFAULTS[key]
        return data


class HouseholdRowForm(Form):
    relation = _select("与本人关系", Relation.choices)
    name = _text("姓名", max_length=50)
    id_number = _text(
        "身份证号(选填)", attrs={"autocomplete": "off", "spellcheck": "false"}, max_length=40
    )
    health_status = _select("健康状况", HealthStatus.choices, blank="")
    monthly_income = _text("月收入(元)", attrs=_NUMBER)
    school_stage = _select("就学情况", SchoolStage.choices, blank="")

    def filled(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return any(data.get(k) for k in ("relation", "name", "id_number", "monthly_income"))

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data["health_status"] = data.get("health_status") or HealthStatus.HEALTHY
        data["school_stage"] = data.get("school_stage") or SchoolStage.NONE
        return data


HouseholdFormSet = formset_factory(
    HouseholdRowForm,
    formset=FormSet,
    extra=0,
    max_num=public.MAX_HOUSEHOLD_ROWS,
    absolute_max=30,
)


def _too_many(request, exc: ServiceError):
    return render(request, "portal/rate_limited.html", {"message": exc.message}, status=429)


def _rows_wanted(household_size) -> int:
    try:
        size = int(str(household_size).strip())
    except (TypeError, ValueError):
        return DEFAULT_MEMBER_ROWS
    return max(0, min(size - 1, public.MAX_HOUSEHOLD_ROWS))


# --- self-check -----------------------------------------------------------------------------


def _figures(data: dict) -> dict:
    """The self-check's arguments from the form's cleaned data (or the part that parsed)."""
    values = {key: data.get(key, "") for key in FIGURES}
    values["township_id"] = values.pop("township")
    return values


def _self_check_values(data: dict) -> None:
    """The self-check's own messages for a form whose fields failed (stores nothing)."""
    public.self_check(**_figures(data))


@csrf_protect
def self_check(request):
    """GET: the form. POST: the result with its calculation (nothing stored)."""
    form = FiguresForm(request.POST or None, check=_self_check_values)
    check, status = None, 200
    if request.method == "POST" and not form.is_valid():
        status = 422
    elif request.method == "POST":
        try:
            check = public.self_check(**_figures(form.cleaned_data))
        except ServiceError as exc:
            status = exc.status
            if exc.fields:
                form_apply_error(request, form, exc)
            else:
                form.add_error(None, exc.message)
    return render(
        request,
        "portal/assistance/self_check.html",
        {"form": form, "check": check, "figures": FIGURES},
        status=status,
    )


# --- application ------------------------------------------------------------------------------


def _apply_page(request, form, household, status=200):
    return render(
        request,
        "portal/assistance/apply.html",
        {"form": form, "household": household},
        status=status,
    )


def _prefill(request):
    """Arriving from the self-check result: the figures become the form's initial values."""
    figures = FiguresForm(request.POST)
    figures.is_valid()
    initial = {k: v for k, v in figures.cleaned_data.items() if v}
    if initial.get("disaster"):
        initial["main_cause"] = initial["disaster"]
    wanted = _rows_wanted(initial.get("household_size"))
    return _apply_page(
        request,
        ApplyForm(initial=initial),
        HouseholdFormSet(prefix="household", initial=[{}] * wanted),
    )


def _resize(request, form, household):
    """ "按家庭人口调整成员行数": the page again with as many member rows as the household
    needs, keeping what was typed (works without JavaScript)."""
    form.is_valid()
    household.is_valid()
    rows = [f.cleaned_data for f in household.forms if getattr(f, "cleaned_data", None)]
    kept = [r for r in rows if any(r.values())]
    wanted = max(_rows_wanted(request.POST.get("household_size")), len(kept))
    initial = {k: v for k, v in form.cleaned_data.items() if k != "promise"}
    return _apply_page(
        request,
        ApplyForm(initial=initial),
        HouseholdFormSet(prefix="household", initial=kept + [{}] * (wanted - len(kept))),
    )


def _place_errors(request, form, household, exc: ServiceError, *, only_new=False) -> None:
    """Field errors at their fields, a member row's (`household-<i>-<field>`) at its row.
    only_new: the forms found problems themselves; keep theirs and add the rest."""
    rows: dict[int, dict] = {}
    rest = {}
    for key, errors in exc.fields.items():
        if key.startswith("household-"):
            _prefix, index, field = key.split("-", 2)
            rows.setdefault(int(index), {})[field] = errors
        else:
            rest[key] = errors
    for index, fields in rows.items():
        household.forms[index].add_service_errors(
            ServiceError(exc.message, fields=fields), only_new=only_new
        )
    exc.fields = rest
    if only_new:
        form.add_service_errors(exc, only_new=True)
    else:
        form_apply_error(request, form, exc)


def _members(household) -> list[tuple[int, dict]]:
    """(row index, values) of the member rows filled in (what parsed of each)."""
    return [
        (index, row.service_data()) for index, row in enumerate(household.forms) if row.filled()
    ]


@csrf_protect
def apply(request):
    if request.method != "POST":
        wanted = DEFAULT_MEMBER_ROWS
        return _apply_page(
            request, ApplyForm(), HouseholdFormSet(prefix="household", initial=[{}] * wanted)
        )
    if request.POST.get("prefill"):
        return _prefill(request)
    form = ApplyForm(request.POST)
    household = HouseholdFormSet(request.POST, prefix="household")
    if request.POST.get("resize"):
        return _resize(request, form, household)
    valid = forms_valid(form, household)
    values = dict(
        township_id=form.cleaned_data.get("township"),
        members=_members(household),
        ip=client_ip(request),
        **form.service_data(),
    )
    try:
        if not valid:
            # The forms found problems: ask the service what else is wrong, so that the
            # worker sees every problem on this one submit (nothing is written).
            public.application_check(**values)
            return _apply_page(request, form, household, status=422)
        archive = public.application_submit(**values)
    except public.RateLimited as exc:
        return _too_many(request, exc)
    except ServiceError as exc:
        _place_errors(request, form, household, exc, only_new=not valid)
        return _apply_page(request, form, household, status=exc.status)
    request.session[DONE_SESSION_KEY] = {
        "name": archive.name,
        "union": archive.org.name,
        "category": archive.get_category_display(),
    }
    return redirect("portal:hardship_done")


def done(request):
    done_info = request.session.get(DONE_SESSION_KEY)
    if not done_info:
        return redirect("portal:hardship_apply")
    return render(request, "portal/assistance/done.html", {"done": done_info})


# --- status -------------------------------------------------------------------------------


class StatusForm(Form):
    id_number = _text(
        "身份证号", attrs={"autocomplete": "off", "spellcheck": "false"}, max_length=40
    )
    phone = _text(
        "手机号码",
        help_text="申请时填写的手机号码。",
        attrs={"inputmode": "tel", "autocomplete": "tel"},
    )


@csrf_protect
def status(request):
    form = StatusForm(request.POST or None)
    result, code = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            result = public.application_status(
                id_number=form.cleaned_data["id_number"],
                phone=form.cleaned_data["phone"],
                ip=client_ip(request),
            )
        except public.RateLimited as exc:
            return _too_many(request, exc)
        except ServiceError as exc:
            code = exc.status
            if exc.fields:
                form_apply_error(request, form, exc)
            else:
                form.add_error(None, exc.message)
    return render(
        request, "portal/assistance/status.html", {"form": form, "result": result}, status=code
    )
