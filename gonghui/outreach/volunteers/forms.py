"""Forms of the volunteer pages. They parse; the services validate."""

from django import forms
from django.utils import timezone

from gonghui.core.forms import DateInput, Form
from gonghui.outreach.forms import OrgChoiceField
from gonghui.outreach.volunteers.models import TeamKind, VolunteerRole

_DATE = DateInput()


class TeamForm(Form):
    name = forms.CharField(label="队伍名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=[("", "请选择")] + list(TeamKind.choices))
    leader_name = forms.CharField(label="负责人", max_length=50, required=False)
    founded_on = forms.DateField(label="成立日期", required=False, widget=_DATE)
    description = forms.CharField(
        label="服务内容", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"] = OrgChoiceField(label="所属工会", orgs=orgs)
            self.order_fields(["org"])


class VolunteerForm(Form):
    member_card = forms.CharField(
        label="会员卡号",
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label="角色", choices=VolunteerRole.choices, initial=VolunteerRole.MEMBER
    )
    joined_on = forms.DateField(label="加入日期", widget=_DATE)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("joined_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class ProjectForm(Form):
    title = forms.CharField(label="项目名称", max_length=100)
    place = forms.CharField(label="服务地点", max_length=150, required=False)
    starts_on = forms.DateField(label="开始日期", widget=_DATE)
    ends_on = forms.DateField(label="结束日期", required=False, widget=_DATE)


class HoursForm(Form):
    served_on = forms.DateField(label="服务日期", widget=_DATE)
    hours = forms.DecimalField(
        label="服务时长(小时)",
        max_digits=4,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.5", "inputmode": "decimal"}),
    )
    note = forms.CharField(label="服务内容", max_length=200, required=False)

    def __init__(self, *args, volunteers=(), projects=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("served_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["volunteer"] = forms.TypedChoiceField(
            label="志愿者",
            coerce=int,
            choices=[("", "请选择")] + [(str(v.pk), v.member.name) for v in volunteers],
        )
        self.fields["project"] = forms.TypedChoiceField(
            label="服务项目",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "—")] + [(str(p.pk), p.title) for p in projects],
        )
        self.order_fields(["volunteer", "project"])
