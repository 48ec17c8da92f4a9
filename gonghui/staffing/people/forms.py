"""Forms of the worker, training and post pages. They parse; the services validate."""

from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core.forms import DateInput, Form
from gonghui.staffing.people.models import Certificate, Education, FundingSource, WorkerStatus


class WorkerForm(Form):
    name = forms.CharField(label="姓名", max_length=40)
    org = OrgChoiceField(label="服务的工会")
    post = forms.TypedChoiceField(label="岗位", coerce=int, required=False, empty_value=None)
    username = forms.CharField(
        label="平台账号(用户名)",
        max_length=150,
        required=False,
        help_text="社工有平台账号时填写，用于查看本人考核和提出异议。",
    )
    phone = forms.CharField(
        label="手机号",
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    education = forms.ChoiceField(label="学历", choices=[("", "请选择")] + Education.choices)
    certificates = forms.MultipleChoiceField(
        label="职业资格证书",
        choices=Certificate.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agency = forms.CharField(label="用人(派遣)单位", max_length=100)
    hired_on = forms.DateField(label="入职日期", widget=DateInput())
    contract_start = forms.DateField(label="合同开始日期", widget=DateInput())
    contract_end = forms.DateField(label="合同到期日期", widget=DateInput())
    funding_source = forms.ChoiceField(label="经费来源", choices=FundingSource.choices)
    county_share = forms.IntegerField(
        label="县级承担比例(%)",
        min_value=0,
        max_value=100,
        initial=50,
        help_text="其余由乡镇(街道)承担。",
    )
    grade = forms.IntegerField(label="岗级", min_value=1, max_value=20, initial=1)
    band = forms.IntegerField(label="档次", min_value=1, max_value=20, initial=1)
    band_since = forms.DateField(label="现档次起始日期", widget=DateInput())
    status = forms.ChoiceField(label="状态", choices=WorkerStatus.choices, required=False)

    def __init__(self, *args, orgs=(), posts=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(label="服务的工会", orgs=orgs)
        self.fields["post"].choices = [("", "不占岗位")] + [
            (str(p.pk), f"{p.org.name} · {p.name}") for p in posts
        ]
        if not editing:
            del self.fields["status"]


class TrainingForm(Form):
    course = forms.CharField(label="培训课程", max_length=100)
    day = forms.DateField(label="培训日期", widget=DateInput())
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, min_value=0)


class PostForm(Form):
    org = OrgChoiceField(label="所在工会")
    name = forms.CharField(label="岗位名称", max_length=60)
    note = forms.CharField(label="说明", max_length=200, required=False)
    is_active = forms.BooleanField(
        label="启用", required=False, initial=True, help_text="停用的岗位不能再安排社工。"
    )

    def __init__(self, *args, orgs=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # a post stays where it was set up
            del self.fields["org"]
        else:
            self.fields["org"] = OrgChoiceField(label="所在工会", orgs=orgs)
            del self.fields["is_active"]
