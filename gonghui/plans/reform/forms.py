"""Forms of the 产改 lists."""

from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core.forms import DateInput, Form
from gonghui.plans.reform.models import ReformKind, ReformStatus


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
