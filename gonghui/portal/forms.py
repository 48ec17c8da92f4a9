"""The portal's forms: the hardship self-check, application (with household rows) and
status check, and the site feedback (意见与报修) form."""

from django import forms
from django.forms import formset_factory

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
from gonghui.core.forms import Form, FormSet
from gonghui.members.models import HukouType
from gonghui.sites import services as site_services
from gonghui.sites.models import FeedbackKind

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


class StatusForm(Form):
    id_number = _text(
        "身份证号", attrs={"autocomplete": "off", "spellcheck": "false"}, max_length=40
    )
    phone = _text(
        "手机号码",
        help_text="申请时填写的手机号码。",
        attrs={"inputmode": "tel", "autocomplete": "tel"},
    )


class FeedbackForm(Form):
    """Parses the report; services.feedback_submit validates (Chinese messages)."""

    kind = forms.ChoiceField(
        label="反馈类型",
        choices=FeedbackKind.choices,
        initial=FeedbackKind.REPAIR,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label="内容",
        required=False,
        max_length=site_services.FEEDBACK_TEXT_MAX,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "例如：饮水机不出热水；希望增加充电插座。"}
        ),
    )
    phone = forms.CharField(
        label="联系手机(选填)",
        required=False,
        max_length=20,
        help_text="留下手机号，工会处理后可以联系您；号码加密保存。",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
