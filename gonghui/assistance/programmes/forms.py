"""Forms of programmes and grants. They parse; the services validate."""

from django import forms

from gonghui.assistance.archives.forms import money_field
from gonghui.assistance.choices import HardshipCategory, SchoolStage
from gonghui.assistance.programmes.models import PaymentMethod, ProgrammeKind
from gonghui.assistance.programmes.rules import AMOUNT_TYPES, CATEGORIES, REQUIRES, SCHOOL_STAGES
from gonghui.core.forms import DateInput, Form
from gonghui.core.pages import org_choices

_DATE = DateInput()


class RuleForm(Form):
    """The eligibility and amount rule as fields; `rule_data()` gives the config dicts."""

    # rule_clean's names for the inputs of this form.
    service_fields = {"amount": "fixed_amount", "type": "amount_type", "amounts": "amount_type"}

    categories = forms.MultipleChoiceField(
        label="困难类别",
        choices=[(c, HardshipCategory(c).label) for c in CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    requires = forms.ChoiceField(label="其他资格条件", choices=list(REQUIRES.items()))
    amount_type = forms.ChoiceField(label="金额规则", choices=list(AMOUNT_TYPES.items()))
    fixed_amount = money_field("每户金额(元)", help_text="金额规则为“固定金额”时填写。")
    amount_deep = money_field("深度困难每户(元)")
    amount_relative = money_field("相对困难每户(元)")
    amount_accidental = money_field("意外致困每户(元)")
    share = forms.CharField(
        label="补助比例", required=False, max_length=6, help_text="如 0.5 表示自付费用的 50%。"
    )
    cap = money_field("封顶金额(元)")
    note = forms.CharField(label="修改说明", required=False, max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for stage in SCHOOL_STAGES:
            self.fields[f"stage_{stage}"] = money_field(f"{SchoolStage(stage).label}每名学生(元)")

    @classmethod
    def initial_from(cls, eligibility: dict, amount: dict) -> dict:
        initial = {
            "categories": eligibility.get("categories", []),
            "requires": eligibility.get("requires", "none"),
            "amount_type": amount.get("type"),
            "fixed_amount": amount.get("amount", ""),
            "share": amount.get("share", ""),
            "cap": amount.get("cap", ""),
        }
        table = amount.get("amounts", {})
        if amount.get("type") == "by_category":
            initial.update({f"amount_{c}": v for c, v in table.items()})
        if amount.get("type") == "by_school_stage":
            initial.update({f"stage_{s}": v for s, v in table.items()})
        return initial

    def rule_data(self) -> tuple[dict, dict]:
        """The rule's config dicts from the cleaned data (or the part of it that parsed)."""
        data = self.cleaned_data
        eligibility = {"categories": data.get("categories", []), "requires": data.get("requires")}
        kind = data.get("amount_type")
        amount: dict = {"type": kind}
        if kind == "fixed":
            amount["amount"] = data.get("fixed_amount")
        elif kind == "by_category":
            amount["amounts"] = {c: data.get(f"amount_{c}") for c in CATEGORIES}
        elif kind == "by_school_stage":
            amount["amounts"] = {
                s: data[f"stage_{s}"] for s in SCHOOL_STAGES if data.get(f"stage_{s}")
            }
        elif kind == "share_with_cap":
            amount.update(share=data.get("share"), cap=data.get("cap"))
        return eligibility, amount


class ProgrammeForm(Form):
    org = forms.ChoiceField(label="设立单位")
    kind = forms.ChoiceField(label="项目类型", choices=ProgrammeKind.choices)
    name = forms.CharField(label="项目名称", max_length=100)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    starts_on = forms.DateField(label="开始日期", widget=_DATE)
    ends_on = forms.DateField(label="结束日期", widget=_DATE)
    budget = money_field("总预算(元)", required=True)
    description = forms.CharField(
        label="项目说明", required=False, max_length=500, widget=forms.Textarea({"rows": 2})
    )
    custom_rule = forms.BooleanField(
        label="自定义资格和金额规则",
        required=False,
        help_text="不勾选时采用该类型的默认规则，设立后可在项目页面修改(保留历史版本)。",
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = org_choices(orgs)


class BudgetForm(Form):
    org = forms.ChoiceField(label="下级单位")
    amount = money_field("分配预算(元)", required=True)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = org_choices(orgs)


class DisburseForm(Form):
    method = forms.ChoiceField(label="发放方式", choices=PaymentMethod.choices)
    on = forms.DateField(label="发放日期", required=False, widget=_DATE, help_text="留空为今天。")
    handled_by = forms.CharField(
        label="领款人/经办人", required=False, max_length=100, help_text="现金发放必填。"
    )
    note = forms.CharField(label="说明", required=False, max_length=200)


class CancelForm(Form):
    reason = forms.CharField(label="取消原因", max_length=200)
