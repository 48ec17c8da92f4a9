from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core.forms import Form
from gonghui.members.models import (
    Education,
    EmploymentForm,
    Ethnicity,
    Gender,
    HukouType,
    PoliticalStatus,
    SkillLevel,
)

_DATE = forms.DateInput(attrs={"type": "date"})


class MemberForm(Form):
    """Register or edit a member. The service validates; the form only parses."""

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
    ethnicity = forms.ChoiceField(label="民族", choices=Ethnicity.choices, initial=Ethnicity.HAN)
    political_status = forms.ChoiceField(
        label="政治面貌", choices=PoliticalStatus.choices, initial=PoliticalStatus.MASSES
    )
    education = forms.ChoiceField(
        label="学历", required=False, choices=[("", "未填写")] + list(Education.choices)
    )
    skill_level = forms.ChoiceField(
        label="技能等级", choices=SkillLevel.choices, initial=SkillLevel.NONE
    )
    hukou_type = forms.ChoiceField(
        label="户籍类型", choices=[("", "请选择")] + list(HukouType.choices)
    )
    hukou_place = forms.CharField(label="户籍所在地", max_length=100, required=False)
    employment_form = forms.ChoiceField(
        label="就业形态", choices=EmploymentForm.choices, initial=EmploymentForm.STANDARD
    )
    is_migrant_worker = forms.BooleanField(label="农民工", required=False)
    joined_on = forms.DateField(
        label="入会日期",
        widget=_DATE,
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
        order = ["name", "id_number", "gender", "birth_date", "phone", "employer"]
        if orgs is not None:
            self.fields["org"] = OrgChoiceField(label="所属工会", orgs=orgs)
            order.insert(0, "org")
        self.order_fields(order)


class DeactivateForm(Form):
    reason = forms.CharField(
        label="退会原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )
