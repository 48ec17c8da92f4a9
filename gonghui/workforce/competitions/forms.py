"""Forms of the competition pages. Each reports every problem in one round: the fields'
own checks plus the service's validation (`check=`)."""

from django import forms

from gonghui.core.forms import DateInput, Form
from gonghui.core.modules import Action
from gonghui.workforce.choices import ContestLevel
from gonghui.workforce.competitions.models import (
    CompetitionKind,
    ContestClass,
    MissingRound,
    ProjectDimension,
    RoundRule,
)
from gonghui.workforce.forms import ServiceForm

DATE = DateInput()


def _blank(choices, label="请选择"):
    return [("", label), *choices]


class CompetitionForm(Form):
    # Editing: the version the page was opened at. Re-rendered as posted after a refusal,
    # so a page opened before someone else's save keeps being refused until reloaded.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    org = forms.ChoiceField(label="组织单位", choices=())
    name = forms.CharField(label="竞赛名称", max_length=150)
    kind = forms.ChoiceField(label="竞赛类型", choices=_blank(CompetitionKind.choices))
    level = forms.ChoiceField(label="竞赛级别", choices=_blank(ContestLevel.choices))
    contest_class = forms.ChoiceField(
        label="竞赛类别", choices=ContestClass.choices, initial=ContestClass.OTHER
    )
    theme = forms.CharField(label="主题", max_length=100, required=False)
    organiser_name = forms.CharField(
        label="主办单位",
        max_length=150,
        required=False,
        help_text="本县组织的竞赛可不填；记录市级及以上竞赛时必填。",
    )
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    registration_from = forms.DateField(label="报名开始", widget=DATE, required=False)
    registration_until = forms.DateField(label="报名截止", widget=DATE, required=False)
    portal_open = forms.BooleanField(label="职工可在手机上报名", required=False)
    trades = forms.MultipleChoiceField(
        label="工种", choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )
    titles = forms.MultipleChoiceField(
        label="可授予的称号",
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="按名次授予称号以县总工会的规则为准；规则中的称号须在此勾选才会授予。",
    )
    theory_weight = forms.IntegerField(
        label="理论成绩权重(%)", min_value=0, max_value=100, initial=100
    )
    practical_weight = forms.IntegerField(
        label="实操成绩权重(%)", min_value=0, max_value=100, initial=0
    )
    rounds = forms.IntegerField(label="轮次", min_value=1, max_value=5, initial=1)
    round_rule = forms.ChoiceField(
        label="多轮成绩", choices=RoundRule.choices, initial=RoundRule.SUM
    )
    missing_round = forms.ChoiceField(
        label="缺赛处理",
        choices=MissingRound.choices,
        initial=MissingRound.EXCLUDE,
        help_text="缺赛指某一轮没有成绩、成绩不全或标记为缺赛。",
    )
    score_max = forms.DecimalField(
        label="单项满分", max_digits=6, decimal_places=2, min_value=1, initial=100
    )
    description = forms.CharField(
        label="竞赛方案摘要", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, orgs=(), trades=(), titles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = _blank(list(orgs))
        self.fields["trades"].choices = [(str(t.pk), t.name) for t in trades]
        self.fields["titles"].choices = [(str(t.pk), t.name) for t in titles]


class EntryForm(ServiceForm):
    member_fields = {"member": Action.VIEW}
    service_names = ("member", "trade")

    member = forms.CharField(label="参赛会员", max_length=30, help_text="输入会员卡号或身份证号。")
    trade = forms.ChoiceField(label="工种", choices=())

    def __init__(self, *args, trades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pick("trade", trades, lambda t: t.name, blank="请选择")


class QuotaForm(Form):
    org = forms.ChoiceField(label="单位", choices=())
    trade = forms.ChoiceField(label="工种", choices=(), required=False)
    places = forms.IntegerField(
        label="名额",
        min_value=0,
        max_value=100000,
        required=False,
        help_text="留空为取消该名额限制。",
    )

    def __init__(self, *args, orgs=(), trades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = _blank(list(orgs))
        self.fields["trade"].choices = [("", "全部工种合计")] + [
            (str(t.pk), t.name) for t in trades
        ]


class StepForm(Form):
    note = forms.CharField(label="说明", max_length=200, required=False)


class WithdrawForm(Form):
    reason = forms.CharField(label="退出原因", max_length=200, required=False)


class AwardForm(Form):
    title = forms.ChoiceField(label="称号", choices=(), required=False)
    grade_steps = forms.IntegerField(
        label="技能等级晋升(级)", min_value=0, max_value=3, required=False, initial=0
    )
    note = forms.CharField(label="说明", max_length=200)

    def __init__(self, *args, titles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].choices = [("", "不授予称号")] + [(str(t.pk), t.name) for t in titles]


class ParticipantForm(Form):
    enterprise = forms.CharField(
        label="参赛单位", max_length=150, help_text="统一社会信用代码或单位全称。"
    )
    section = forms.CharField(label="标段/项目部", max_length=100, required=False)


class ProjectScoreForm(Form):
    period = forms.DateField(label="考评期(月份中的任一天)", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for code, label in ProjectDimension.choices:
            self.fields[code] = forms.DecimalField(
                label=label, required=False, min_value=0, max_value=100, decimal_places=2
            )


class TradeForm(Form):
    name = forms.CharField(label="工种名称", max_length=50)
    category = forms.CharField(label="类别", max_length=30, required=False)


class TitleForm(Form):
    name = forms.CharField(label="称号名称", max_length=30)
    description = forms.CharField(label="说明", max_length=200, required=False)


class TitleRuleForm(Form):
    level = forms.ChoiceField(label="竞赛级别", choices=_blank(ContestLevel.choices))
    contest_class = forms.ChoiceField(
        label="竞赛类别", choices=[("", "不限")] + list(ContestClass.choices), required=False
    )
    kind = forms.ChoiceField(
        label="竞赛类型", choices=[("", "不限")] + list(CompetitionKind.choices), required=False
    )
    rank_from = forms.IntegerField(label="名次自", min_value=1, max_value=1000, initial=1)
    rank_to = forms.IntegerField(label="名次至", min_value=1, max_value=1000)
    title = forms.ChoiceField(label="称号", choices=(), required=False)
    grade_steps = forms.IntegerField(
        label="技能等级晋升(级)", min_value=0, max_value=3, initial=0, required=False
    )
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, titles=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].choices = [("", "不授予称号")] + [(str(t.pk), t.name) for t in titles]
