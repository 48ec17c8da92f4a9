from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core.forms import DateInput, Form
from gonghui.members.models import (
    MEMBER_DEFAULTS,
    MEMBER_REQUIRED,
    Education,
    EmploymentForm,
    Ethnicity,
    Gender,
    HukouType,
    PoliticalStatus,
    SkillLevel,
)

_DATE = DateInput()


class MemberForm(Form):
    """Register or edit a member. The service validates; the form only parses.

    Required and defaulted fields follow members.models (MEMBER_REQUIRED, MEMBER_DEFAULTS):
    a blank 户籍类型 or 入会日期 saves the member as 信息待补全.
    """

    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        help_text="18 位；15 位旧号码自动升位。",
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    gender = forms.ChoiceField(
        label="性别",
        required=False,
        choices=[("", "按身份证号")] + list(Gender.choices),
        help_text="留空则按身份证号自动填写；填写时须与身份证号一致。",
    )
    birth_date = forms.DateField(
        label="出生日期",
        required=False,
        widget=_DATE,
        help_text="留空则按身份证号自动填写。",
    )
    phone = forms.CharField(
        label="手机号码", max_length=20, required=False, widget=forms.TextInput({"type": "tel"})
    )
    ethnicity = forms.ChoiceField(
        label="民族", choices=Ethnicity.choices, initial=MEMBER_DEFAULTS["ethnicity"]
    )
    political_status = forms.ChoiceField(
        label="政治面貌",
        choices=PoliticalStatus.choices,
        initial=MEMBER_DEFAULTS["political_status"],
    )
    education = forms.ChoiceField(
        label="学历", required=False, choices=[("", "未填写")] + list(Education.choices)
    )
    skill_level = forms.ChoiceField(
        label="技能等级", choices=SkillLevel.choices, initial=MEMBER_DEFAULTS["skill_level"]
    )
    hukou_type = forms.ChoiceField(
        label="户籍类型",
        choices=[("", "未填写(信息待补全)")] + list(HukouType.choices),
    )
    hukou_place = forms.CharField(label="户籍所在地", max_length=100, required=False)
    employment_form = forms.ChoiceField(
        label="就业形态",
        choices=EmploymentForm.choices,
        initial=MEMBER_DEFAULTS["employment_form"],
    )
    is_migrant_worker = forms.BooleanField(
        label="农民工", initial=MEMBER_DEFAULTS["is_migrant_worker"]
    )
    joined_on = forms.DateField(
        label="入会日期",
        widget=_DATE,
        help_text="不知道时可留空，会员将标记为“信息待补全”。",
    )
    employer_name = forms.CharField(
        label="工作单位名称(未登记)",
        max_length=150,
        help_text="工作单位尚未登记为用人单位时填写；选择了上面的工作单位则不保存此项。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, orgs=None, employers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"] = forms.TypedChoiceField(
            label="工作单位",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "无/未填写")] + [(str(e.pk), e.name) for e in employers],
        )
        order = ["name", "id_number", "gender", "birth_date", "phone", "employer", "employer_name"]
        if orgs is not None:
            self.fields["org"] = OrgChoiceField(label="所属工会", orgs=orgs)
            order.insert(0, "org")
        self.order_fields(order)
        for name, field in self.fields.items():
            field.required = name in MEMBER_REQUIRED


class DeactivateForm(Form):
    reason = forms.CharField(
        label="退会原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )
