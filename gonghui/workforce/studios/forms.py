"""Forms of the studio pages."""

import datetime

from django import forms

from gonghui.core.forms import DateInput, Form
from gonghui.core.modules import Action
from gonghui.workforce.forms import ServiceForm
from gonghui.workforce.studios.models import OutcomeKind, StudioKind, StudioLevel, StudioRole

DATE = DateInput()


def _blank(choices):
    return [("", "请选择"), *choices]


class StudioForm(ServiceForm):
    member_fields = {"lead": Action.VIEW}
    enterprise_fields = {"host": Action.EDIT}
    service_names = (
        "lead",
        "host",
        "name",
        "kind",
        "founded_on",
        "site",
        "area_m2",
        "funds",
        "equipment",
        "topics",
    )

    name = forms.CharField(label="工作室名称", max_length=150)
    kind = forms.ChoiceField(label="类型", choices=_blank(StudioKind.choices))
    lead = forms.CharField(
        label="领衔人", max_length=30, help_text="会员卡号或身份证号(劳模、工匠或技术骨干)。"
    )
    host = forms.CharField(
        label="依托单位", max_length=150, help_text="统一社会信用代码或单位全称。"
    )
    founded_on = forms.DateField(label="成立日期", widget=DATE)
    site = forms.CharField(label="场所", max_length=200, required=False)
    area_m2 = forms.IntegerField(
        label="面积(平方米)", min_value=0, max_value=1000000, required=False
    )
    funds = forms.DecimalField(
        label="年度经费(元)", min_value=0, max_digits=12, decimal_places=2, required=False
    )
    equipment = forms.CharField(
        label="设备设施", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    topics = forms.CharField(
        label="攻关方向", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StudioEditForm(StudioForm):
    """Editing a studio: its lead and host employer stay (shown, not posted)."""

    member_fields = {}
    enterprise_fields = {}
    service_names = tuple(n for n in StudioForm.service_names if n not in ("lead", "host"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead", "host"):
            self.fields[name] = forms.CharField(
                label=self.fields[name].label, required=False, disabled=True
            )


class NameForm(Form):
    level = forms.ChoiceField(
        label="命名级别", choices=_blank([c for c in StudioLevel.choices if c[0] != "none"])
    )
    named_on = forms.DateField(label="命名日期", widget=DATE)
    note = forms.CharField(label="说明", max_length=200, required=False)


class RevokeForm(Form):
    reason = forms.CharField(label="撤销原因", max_length=200)


class MemberAddForm(Form):
    member = forms.CharField(label="会员", max_length=30, help_text="会员卡号或身份证号。")
    role = forms.ChoiceField(
        label="角色", choices=[c for c in StudioRole.choices if c[0] != "lead"]
    )
    joined_on = forms.DateField(label="加入日期", widget=DATE)


class MemberLeaveForm(Form):
    row = forms.IntegerField(widget=forms.HiddenInput)
    left_on = forms.DateField(label="退出日期", widget=DATE)


class ReportForm(Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.ChoiceField(
        label="季度",
        choices=[("1", "第一季度"), ("2", "第二季度"), ("3", "第三季度"), ("4", "第四季度")],
    )
    activities = forms.IntegerField(label="开展活动(次)", min_value=0, max_value=10000)
    participants = forms.IntegerField(
        label="参与(人次)", min_value=0, max_value=1000000, required=False
    )
    summary = forms.CharField(label="活动情况", widget=forms.Textarea(attrs={"rows": 3}))
    submitted_on = forms.DateField(label="报送日期", widget=DATE, required=False)


class OutcomeForm(Form):
    kind = forms.ChoiceField(label="类型", choices=_blank(OutcomeKind.choices))
    title = forms.CharField(label="名称", max_length=200)
    achieved_on = forms.DateField(label="取得日期", widget=DATE)
    quantity = forms.IntegerField(label="数量", min_value=1, max_value=10000, initial=1)
    benefit = forms.DecimalField(
        label="效益(元)", min_value=0, max_digits=14, decimal_places=2, required=False
    )


class AppraisalForm(Form):
    """The appraiser's marks for the manual items (one field per item, added per county)."""

    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)

    def __init__(self, *args, items=(), **kwargs):
        kwargs.setdefault("initial", {"year": datetime.date.today().year - 1})
        super().__init__(*args, **kwargs)
        for item in items:
            if item.basis == "manual":
                self.fields[item.code] = forms.DecimalField(
                    label=f"{item.name}(满分 {item.max_score})",
                    min_value=0,
                    max_value=item.max_score,
                    decimal_places=1,
                    help_text=item.requirement,
                )


class StandardItemForm(Form):
    code = forms.CharField(label="编码", max_length=20)
    name = forms.CharField(label="项目", max_length=30)
    requirement = forms.CharField(label="标准要求", max_length=200, required=False)
    max_score = forms.IntegerField(label="分值", min_value=1, max_value=100)
    basis = forms.ChoiceField(label="评分依据", choices=())
    target = forms.DecimalField(
        label="满分所需", min_value=0, max_digits=12, decimal_places=2, required=False
    )
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=1000, required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        from gonghui.workforce.studios.models import StandardBasis

        super().__init__(*args, **kwargs)
        self.fields["basis"].choices = StandardBasis.choices
