"""Forms parse; the services validate (amounts stay text so the service words the errors)."""

from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.assistance.choices import (
    AttachmentKind,
    DisabilityLevel,
    HardshipCause,
    HealthStatus,
    Housing,
    Relation,
    ReviewKind,
    SchoolStage,
    WorkStatus,
)
from gonghui.core.forms import DateInput, Form
from gonghui.members.models import HukouType

_DATE = DateInput()
_MONEY = {"inputmode": "decimal", "autocomplete": "off"}


def money_field(label: str, required: bool = False, help_text: str = "") -> forms.CharField:
    """An amount in yuan, kept as text: the service parses it and words the errors."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=20,
        help_text=help_text,
        widget=forms.TextInput(_MONEY),
    )


class ArchiveForm(Form):
    name = forms.CharField(label="职工姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        help_text="18 位；性别和出生日期按身份证号自动填写。",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label="手机号码", max_length=20, required=False, widget=forms.TextInput({"type": "tel"})
    )
    employer_name = forms.CharField(label="工作单位", max_length=150, required=False)
    address = forms.CharField(label="家庭住址", max_length=200, required=False)
    hukou_type = forms.ChoiceField(
        label="户籍类型", choices=[("", "请选择")] + list(HukouType.choices)
    )
    is_migrant_worker = forms.BooleanField(label="农民工", required=False)
    health_status = forms.ChoiceField(label="健康状况", choices=HealthStatus.choices)
    health_detail = forms.CharField(
        label="健康状况说明", required=False, max_length=500, widget=forms.Textarea({"rows": 2})
    )
    disability_level = forms.ChoiceField(label="残疾情况", choices=DisabilityLevel.choices)
    disability_detail = forms.CharField(
        label="残疾情况说明", required=False, max_length=500, widget=forms.Textarea({"rows": 2})
    )
    work_status = forms.ChoiceField(label="就业状况", choices=WorkStatus.choices)
    housing = forms.ChoiceField(label="住房情况", choices=Housing.choices)
    is_single_parent = forms.BooleanField(label="单亲家庭", required=False)
    is_zero_employment = forms.BooleanField(label="零就业家庭", required=False)
    household_size = forms.CharField(
        label="家庭人口(含职工本人)", max_length=3, widget=forms.TextInput({"inputmode": "numeric"})
    )
    annual_income = money_field("家庭年可支配收入(元)", required=True)
    medical_expense = money_field("年医疗刚性支出(元)", help_text="自付医疗费用。")
    schooling_expense = money_field("年教育刚性支出(元)")
    disability_expense = money_field("年残疾康复刚性支出(元)")
    main_cause = forms.ChoiceField(
        label="主要致困原因", choices=[("", "请选择")] + list(HardshipCause.choices)
    )
    secondary_causes = forms.MultipleChoiceField(
        label="次要致困原因(最多三项)",
        required=False,
        choices=HardshipCause.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    bank_name = forms.CharField(label="开户银行", max_length=100, required=False)
    bank_account = forms.CharField(
        label="银行账号",
        max_length=40,
        required=False,
        widget=forms.TextInput({"autocomplete": "off"}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"] = OrgChoiceField(label="负责工会", orgs=orgs)
            self.order_fields(["org"])

    def service_data(self) -> dict:
        return archive_service_data(self.cleaned_data)


def archive_service_data(cleaned: dict) -> dict:
    """ArchiveForm's cleaned data (or the part of it that parsed) as the services' arguments."""
    data = dict(cleaned)
    data.pop("version", None)
    data.pop("org", None)
    for key in ("medical_expense", "schooling_expense", "disability_expense"):
        if key in data:
            data[key] = data[key] or "0"
    return data


class StepForm(Form):
    """Every lifecycle step posts here; each step reads the fields it needs."""

    on = forms.DateField(
        label="日期",
        required=False,
        widget=_DATE,
    )
    note = forms.CharField(label="说明", required=False, max_length=300)
    reason = forms.CharField(label="原因", required=False, max_length=200)
    visitors = forms.CharField(label="入户核查人员", required=False, max_length=200)
    findings = forms.CharField(label="情况", required=False, max_length=2000)
    authorisation = forms.IntegerField(label="签字授权书", required=False)
    kind = forms.ChoiceField(label="复核类型", required=False, choices=ReviewKind.choices)
    annual_income = forms.CharField(label="家庭年可支配收入(元)", required=False, max_length=20)


class AttachmentForm(Form):
    kind = forms.ChoiceField(label="附件类型", choices=AttachmentKind.choices)
    file = forms.FileField(
        label="文件",
        help_text="PDF、JPG、PNG 或 WebP，不超过 10 MB。",
    )
    note = forms.CharField(label="说明", required=False, max_length=200)


class HouseholdMemberForm(Form):
    relation = forms.ChoiceField(label="与职工关系", choices=Relation.choices)
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", required=False, max_length=40)
    health_status = forms.ChoiceField(label="健康状况", choices=HealthStatus.choices)
    monthly_income = forms.CharField(label="月收入(元)", required=False, max_length=20)
    school_stage = forms.ChoiceField(label="就学阶段", choices=SchoolStage.choices)
    school_or_employer = forms.CharField(label="就读学校或工作单位", required=False, max_length=150)


class ReasonForm(Form):
    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


# --- spot checks ------------------------------------------------------------------------------------


class SpotCheckDrawForm(Form):
    year = forms.IntegerField(
        label="年度",
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )
    share = forms.CharField(
        label="抽查比例",
        required=False,
        max_length=6,
        help_text="留空按本县参数(不低于 0.30)；可填更高比例，如 0.5。",
        widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"] = OrgChoiceField(
            label="县(市、区)总工会",
            orgs=counties,
        )
        self.order_fields(["county", "year", "share"])
        if len(self.fields["county"].choices) == 2:  # one county: preselect it
            self.fields["county"].initial = self.fields["county"].choices[1][0]
