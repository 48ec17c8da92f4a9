"""Forms of the team, nomination, 优秀班组, training and incident pages."""

from django import forms

from gonghui.core.forms import DateInput, Form
from gonghui.core.modules import Action
from gonghui.workforce.choices import ContestLevel
from gonghui.workforce.forms import ServiceForm
from gonghui.workforce.pioneers.models import (
    IncidentKind,
    NominationKind,
    ObjectionOutcome,
    TeamKind,
)

DATE = DateInput()


def _blank(choices):
    return [("", "请选择"), *choices]


class TeamForm(ServiceForm):
    enterprise_fields = {"enterprise": Action.EDIT}
    service_names = ("enterprise", "name", "kind", "leader_name", "headcount")

    enterprise = forms.CharField(
        label="所在单位", max_length=150, help_text="统一社会信用代码或单位全称。"
    )
    name = forms.CharField(label="班组名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=_blank(TeamKind.choices))
    leader_name = forms.CharField(label="负责人", max_length=50, required=False)
    headcount = forms.IntegerField(label="人数", min_value=0, max_value=100000, required=False)


class TeamEditForm(TeamForm):
    """Editing a team: its employer stays (shown, not posted)."""

    enterprise_fields = {}
    service_names = ("name", "kind", "leader_name", "headcount")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].disabled = True


class NominationForm(ServiceForm):
    member_fields = {"member": Action.EDIT}
    org_fields = ("org",)
    service_names = (
        "org",
        "kind",
        "level",
        "year",
        "team",
        "member",
        "deeds",
        "workers_heard_on",
        "workers_heard_note",
    )

    org = forms.ChoiceField(label="推荐单位", choices=())
    kind = forms.ChoiceField(label="荣誉", choices=_blank(NominationKind.choices))
    level = forms.ChoiceField(
        label="级别", choices=_blank(ContestLevel.choices), initial=ContestLevel.COUNTY
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    team = forms.ChoiceField(label="班组(工人先锋号)", choices=(), required=False)
    member = forms.CharField(
        label="个人(奖章、劳模、工匠)",
        max_length=30,
        required=False,
        help_text="会员卡号或身份证号。",
    )
    deeds = forms.CharField(label="主要事迹", widget=forms.Textarea(attrs={"rows": 5}))
    workers_heard_on = forms.DateField(label="听取职工意见日期", widget=DATE)
    workers_heard_note = forms.CharField(
        label="听取意见方式", max_length=200, help_text="如：班组职工大会、职代会、公开征求意见。"
    )

    def __init__(self, *args, orgs=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = _blank(list(orgs))
        self.pick("team", teams, lambda t: f"{t.name}({t.enterprise.name})")


class ReviewForm(Form):
    note = forms.CharField(label="审核意见", max_length=200, required=False)


class NoticeForm(Form):
    notice_from = forms.DateField(label="公示开始", widget=DATE)
    notice_until = forms.DateField(label="公示截止", widget=DATE, help_text="公示期不少于 5 天。")


class ObjectionForm(Form):
    received_on = forms.DateField(label="收到日期", widget=DATE)
    content = forms.CharField(label="反映内容", widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(
        label="核实结果",
        choices=_blank([c for c in ObjectionOutcome.choices if c[0] != ObjectionOutcome.PENDING]),
    )
    outcome_note = forms.CharField(label="核实说明", max_length=300)


class ReasonForm(Form):
    reason = forms.CharField(label="原因", max_length=200)


class ExcellentTeamForm(ServiceForm):
    service_names = ("team", "year", "level", "reason")

    team = forms.ChoiceField(label="班组", choices=())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    level = forms.ChoiceField(
        label="级别", choices=ContestLevel.choices, initial=ContestLevel.COUNTY
    )
    reason = forms.CharField(label="推荐理由", max_length=300, required=False)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pick("team", teams, lambda t: f"{t.name}({t.enterprise.name})", blank="请选择")


class DecideForm(Form):
    selected = forms.ChoiceField(label="评选结果", choices=[("1", "评上"), ("0", "未评上")])


class TrainingForm(ServiceForm):
    org_fields = ("org",)
    service_names = ("org", "team", "held_on", "topic", "trainer", "attendees", "hours", "note")

    org = forms.ChoiceField(label="组织单位", choices=())
    team = forms.ChoiceField(label="班组", choices=(), required=False)
    held_on = forms.DateField(label="培训日期", widget=DATE)
    topic = forms.CharField(label="培训主题", max_length=150)
    trainer = forms.CharField(label="授课人", max_length=50)
    attendees = forms.IntegerField(label="参训人数", min_value=1, max_value=100000)
    hours = forms.DecimalField(
        label="学时", min_value=0.5, max_value=200, decimal_places=1, initial=2
    )
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, orgs=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = _blank(list(orgs))
        self.pick("team", teams, lambda t: f"{t.name}({t.enterprise.name})")


class IncidentForm(ServiceForm):
    enterprise_fields = {"enterprise": Action.EDIT}
    service_names = ("enterprise", "kind", "occurred_on", "description")

    enterprise = forms.CharField(
        label="用人单位", max_length=150, help_text="统一社会信用代码或单位全称。"
    )
    kind = forms.ChoiceField(label="事项", choices=_blank(IncidentKind.choices))
    occurred_on = forms.DateField(label="发生日期", widget=DATE)
    description = forms.CharField(label="情况说明", max_length=300)


class BarRuleForm(Form):
    kind = forms.ChoiceField(label="事项", choices=_blank(IncidentKind.choices))
    years = forms.IntegerField(label="限制年限", min_value=1, max_value=10)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    note = forms.CharField(label="依据", max_length=200, required=False)
