"""Forms of the 产改 lists."""

from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core.forms import DateInput, Form
from gonghui.plans.reform.models import PilotLevel, ReformAgentKind, ReformKind, ReformStatus


class ReformItemForm(Form):
    kind = forms.ChoiceField(label="清单", choices=ReformKind.choices)
    title = forms.CharField(label="事项", max_length=150)
    org = OrgChoiceField(label="责任单位")
    deadline = forms.DateField(label="完成时限", widget=DateInput)
    meeting = forms.TypedChoiceField(label="来源会议", required=False, coerce=int, empty_value=None)
    description = forms.CharField(
        label="具体内容", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, orgs=(), meetings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(label="责任单位", orgs=orgs)
        self.fields["meeting"].choices = [("", "无")] + [
            (str(m.pk), f"{m.held_on:%Y-%m-%d} {m.title}") for m in meetings
        ]


class ReformReportForm(Form):
    reported_on = forms.DateField(label="报告日期", widget=DateInput)
    progress = forms.IntegerField(label="进度(%)", min_value=0, max_value=100)
    status = forms.ChoiceField(
        label="状态",
        choices=[(ReformStatus.IN_PROGRESS, "推进中"), (ReformStatus.DONE, "已完成")],
    )
    text = forms.CharField(
        label="进展情况", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class MeetingForm(Form):
    org = OrgChoiceField(label="召集组织")
    held_on = forms.DateField(label="会议日期", widget=DateInput)
    title = forms.CharField(label="会议名称", max_length=100)
    agenda = forms.CharField(
        label="议程", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    decisions = forms.CharField(
        label="议定事项", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(label="召集组织", orgs=orgs)


ENTERPRISE_HELP = "填写统一社会信用代码或单位全称"


class PilotForm(Form):
    enterprise = forms.CharField(label="试点企业", max_length=150, help_text=ENTERPRISE_HELP)
    named_by = OrgChoiceField(label="确定单位")
    level = forms.ChoiceField(label="试点层级", choices=PilotLevel.choices)
    named_on = forms.DateField(label="确定日期", widget=DateInput)
    focus = forms.CharField(
        label="改革重点", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["named_by"] = OrgChoiceField(label="确定单位", orgs=orgs)


class AgentForm(Form):
    kind = forms.ChoiceField(label="类别", choices=ReformAgentKind.choices)
    name = forms.CharField(label="姓名", max_length=50)
    unit = forms.CharField(label="工作单位及职务", max_length=100, required=False)
    org = OrgChoiceField(label="聘任单位")
    appointed_on = forms.DateField(label="聘任日期", widget=DateInput)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(label="聘任单位", orgs=orgs)


class AgentAssignForm(Form):
    enterprise = forms.CharField(label="联系企业", max_length=150, help_text=ENTERPRISE_HELP)


class VisitForm(Form):
    enterprise = forms.TypedChoiceField(label="走访企业", coerce=int)
    visited_on = forms.DateField(label="走访日期", widget=DateInput)
    summary = forms.CharField(
        label="走访情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    feedback = forms.CharField(
        label="收集的问题和建议",
        max_length=6000,
        required=False,
        help_text="每行一条，可在走访记录中列入问题清单",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(e.pk, e.name) for e in enterprises]

    @staticmethod
    def lines(text: str) -> list[str]:
        return [line.strip() for line in (text or "").splitlines() if line.strip()]

    def feedback_lines(self) -> list[str]:
        return self.lines(self.cleaned_data.get("feedback", ""))


class FeedbackProblemForm(Form):
    org = OrgChoiceField(label="责任单位")
    deadline = forms.DateField(label="完成时限", widget=DateInput)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(label="责任单位", orgs=orgs)
