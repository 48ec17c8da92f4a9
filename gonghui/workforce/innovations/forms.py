"""Forms of the 五小 and 合理化建议 pages (staff) and of the portal's submission."""

from django import forms

from gonghui.core.forms import Form
from gonghui.core.modules import Action
from gonghui.workforce.choices import ContestLevel
from gonghui.workforce.forms import ServiceForm
from gonghui.workforce.innovations.models import InnovationAward, InnovationCategory

YES_NO = [("", "请选择"), ("yes", "是"), ("no", "否")]


def yes_no(value):
    """'yes' → True, 'no' → False, anything else → None (not answered)."""
    return {"yes": True, "no": False}.get(value)


class InnovationForm(ServiceForm):
    member_fields = {"member": Action.EDIT}
    service_names = (
        "member",
        "team",
        "category",
        "title",
        "description",
        "year",
        "claimed_benefit",
    )

    category = forms.ChoiceField(
        label="类别", choices=[("", "请选择"), *InnovationCategory.choices]
    )
    title = forms.CharField(label="成果名称", max_length=150)
    member = forms.CharField(
        label="完成人",
        max_length=30,
        required=False,
        help_text="会员卡号或身份证号；班组成果可不填。",
    )
    team = forms.ChoiceField(label="完成班组", choices=(), required=False)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    description = forms.CharField(label="成果简介", widget=forms.Textarea(attrs={"rows": 4}))
    claimed_benefit = forms.DecimalField(
        label="申报效益(元)", min_value=0, max_digits=14, decimal_places=2, required=False
    )
    funded_by_science_plan = forms.ChoiceField(
        label="是否已获政府科技计划资助", choices=YES_NO, required=False
    )
    awarded_elsewhere = forms.ChoiceField(
        label="是否已在其他评选中获奖", choices=YES_NO, required=False
    )

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pick("team", teams, lambda t: f"{t.name}({t.enterprise.name})")

    def service_values(self, values=None) -> dict:
        values = self.cleaned_data if values is None else values
        return super().service_values(values) | {
            key: yes_no(values.get(key)) for key in ("funded_by_science_plan", "awarded_elsewhere")
        }


class ExclusionsForm(Form):
    funded_by_science_plan = forms.ChoiceField(label="是否已获政府科技计划资助", choices=YES_NO)
    awarded_elsewhere = forms.ChoiceField(label="是否已在其他评选中获奖", choices=YES_NO)


class ReviewForm(Form):
    score = forms.DecimalField(label="评分(0–100)", min_value=0, max_value=100, decimal_places=1)
    comment = forms.CharField(label="评审意见", max_length=300, required=False)


class AttachmentForm(Form):
    file = forms.FileField(label="附件")


class DecisionForm(Form):
    award = forms.ChoiceField(
        label="奖项", choices=[("", "不授奖"), *InnovationAward.choices], required=False
    )
    level = forms.ChoiceField(
        label="评奖级别", choices=ContestLevel.choices, initial=ContestLevel.COUNTY
    )
    note = forms.CharField(label="评定说明", max_length=200, required=False)


class SuggestionForm(ServiceForm):
    member_fields = {"member": Action.EDIT}
    service_names = ("member", "title", "content", "year")

    member = forms.CharField(label="提出人", max_length=30, help_text="会员卡号或身份证号。")
    title = forms.CharField(label="建议标题", max_length=150)
    content = forms.CharField(label="建议内容", widget=forms.Textarea(attrs={"rows": 4}))
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)


class SuggestionDecisionForm(Form):
    adopted = forms.ChoiceField(
        label="处理结果", choices=[("", "请选择"), ("1", "采纳"), ("0", "不采纳")]
    )
    benefit = forms.DecimalField(
        label="产生效益(元)", min_value=0, max_digits=14, decimal_places=2, required=False
    )
    note = forms.CharField(label="处理意见", max_length=200, required=False)
