"""Forms of online joining: the public application and status check, the reviewer's refusal.
They parse; joining's services validate (one submit shows every error)."""

from django import forms

from gonghui.core.forms import Form
from gonghui.members.joining import services as joining
from gonghui.members.models import NEW_EMPLOYMENT_FORMS, EmploymentForm, JoinPath


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
