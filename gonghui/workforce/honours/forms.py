"""Forms of the honours pages."""

from django import forms

from gonghui.core.forms import DateInput, Form
from gonghui.core.modules import Action
from gonghui.workforce.choices import ContestLevel
from gonghui.workforce.forms import ServiceForm
from gonghui.workforce.honours.models import RECORDED_KINDS, HonourKind

DATE = DateInput()


class HonourForm(ServiceForm):
    member_fields = {"member": Action.EDIT}
    enterprise_fields = {"enterprise": Action.EDIT}
    service_names = (
        "kind",
        "name",
        "level",
        "awarded_on",
        "issuer",
        "note",
        "member",
        "team",
        "enterprise",
        "title",
        "trade",
    )

    kind = forms.ChoiceField(
        label="类别", choices=[("", "请选择")] + [(k, HonourKind(k).label) for k in RECORDED_KINDS]
    )
    name = forms.CharField(
        label="荣誉名称", max_length=200, help_text="如：2025 年度浙江省五一劳动奖章。"
    )
    level = forms.ChoiceField(label="级别", choices=[("", "请选择"), *ContestLevel.choices])
    awarded_on = forms.DateField(label="授予日期", widget=DATE)
    issuer = forms.CharField(label="授予单位", max_length=150, required=False)
    member = forms.CharField(
        label="个人", max_length=30, required=False, help_text="会员卡号或身份证号。"
    )
    team = forms.ChoiceField(label="班组", choices=(), required=False)
    enterprise = forms.CharField(
        label="单位", max_length=150, required=False, help_text="统一社会信用代码或全称。"
    )
    title = forms.ChoiceField(label="称号", choices=(), required=False)
    trade = forms.ChoiceField(label="工种", choices=(), required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, teams=(), titles=(), trades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pick("team", teams, lambda t: f"{t.name}({t.enterprise.name})")
        self.pick("title", titles, lambda t: t.name)
        self.pick("trade", trades, lambda t: t.name)


class RevokeForm(Form):
    reason = forms.CharField(label="撤销原因", max_length=200)
