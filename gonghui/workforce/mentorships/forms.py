"""Forms of the mentorship pages."""

from django import forms

from gonghui.core.forms import DateInput, Form
from gonghui.core.modules import Action
from gonghui.workforce.choices import AppraisalResult
from gonghui.workforce.forms import ServiceForm

DATE = DateInput()


class MentorshipForm(ServiceForm):
    member_fields = {"master": Action.VIEW, "apprentice": Action.VIEW}
    service_names = (
        "master",
        "apprentice",
        "trade",
        "ceremony",
        "signed_on",
        "starts_on",
        "ends_on",
        "goals",
        "plan",
    )

    master = forms.CharField(label="师傅", max_length=30, help_text="会员卡号或身份证号。")
    apprentice = forms.CharField(label="徒弟", max_length=30, help_text="会员卡号或身份证号。")
    trade = forms.ChoiceField(label="工种", choices=())
    signed_on = forms.DateField(label="协议签订日期", widget=DATE)
    starts_on = forms.DateField(label="带徒开始", widget=DATE)
    ends_on = forms.DateField(label="带徒结束", widget=DATE)
    goals = forms.CharField(label="带徒目标", widget=forms.Textarea(attrs={"rows": 2}))
    plan = forms.CharField(
        label="培养计划", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    ceremony = forms.ChoiceField(label="拜师仪式", choices=(), required=False)

    def __init__(self, *args, trades=(), ceremonies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pick("trade", trades, lambda t: t.name, blank="请选择")
        self.pick("ceremony", ceremonies, lambda c: f"{c.held_on:%Y-%m-%d} {c.name}")


class CheckpointForm(Form):
    title = forms.CharField(label="考核节点", max_length=100)
    due_on = forms.DateField(label="计划日期", widget=DATE)


class CheckpointDoneForm(Form):
    checkpoint = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(label="完成日期", widget=DATE)
    note = forms.CharField(label="情况", max_length=200, required=False)


class AppraiseForm(Form):
    result = forms.ChoiceField(label="出师考评", choices=[("", "请选择"), *AppraisalResult.choices])
    appraised_on = forms.DateField(label="考评日期", widget=DATE)
    note = forms.CharField(label="考评意见", max_length=300, required=False)


class TerminateForm(Form):
    terminated_on = forms.DateField(label="终止日期", widget=DATE)
    reason = forms.CharField(label="终止原因", max_length=200)


class CeremonyForm(ServiceForm):
    org_fields = ("org",)
    service_names = ("org", "name", "held_on", "place")

    org = forms.ChoiceField(label="组织单位", choices=())
    name = forms.CharField(label="仪式名称", max_length=150)
    held_on = forms.DateField(label="举行日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=150, required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "请选择"), *orgs]


class PolicyForm(Form):
    monthly_allowance = forms.DecimalField(
        label="带徒津贴(元/月)", min_value=0, max_digits=8, decimal_places=2
    )
    excellent_share = forms.IntegerField(label="优秀发放比例(%)", min_value=0, max_value=100)
    pass_share = forms.IntegerField(label="合格发放比例(%)", min_value=0, max_value=100)
    fail_share = forms.IntegerField(label="不合格发放比例(%)", min_value=0, max_value=100)
    reward_years = forms.IntegerField(label="奖励期限(年)", min_value=1, max_value=10)
    reward_amount = forms.DecimalField(
        label="师傅奖励(元)", min_value=0, max_digits=10, decimal_places=2
    )
    placing_rank = forms.IntegerField(
        label="竞赛名次不低于",
        min_value=1,
        max_value=100,
        help_text="徒弟在竞赛中取得此名次及以内即算“获得名次”。",
    )
