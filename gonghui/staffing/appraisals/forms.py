"""Forms of the appraisal pages and the portal's rating page. They parse; the services
validate."""

from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core.forms import Form
from gonghui.staffing.appraisals.models import AppraisalKind, RaterGroup

NAMED_GROUPS = [(v, label) for v, label in RaterGroup.choices if v != RaterGroup.WORKERS]


class AppraisalOpenForm(Form):
    kind = forms.ChoiceField(label="考核类型", choices=AppraisalKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(
        label="季度",
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—")] + [(str(q), f"第{q}季度") for q in (1, 2, 3, 4)],
        help_text="季度考核时选择。",
    )
    org = OrgChoiceField(label="考核范围", help_text="该组织及下级组织的在岗社工。")

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(
            label="考核范围", orgs=orgs, help_text="该组织及下级组织的在岗社工。"
        )


class RatingForm(Form):
    group = forms.ChoiceField(label="评议人类别", choices=[("", "请选择")] + NAMED_GROUPS)
    score = forms.DecimalField(
        label="评分(0–100)",
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.5"}),
    )


class InvitesForm(Form):
    count = forms.IntegerField(
        label="匿名评议链接数",
        min_value=1,
        max_value=200,
        initial=5,
        help_text="每个链接只能评议一次。",
    )


class ObjectionForm(Form):
    text = forms.CharField(
        label="异议内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AnswerForm(Form):
    answer = forms.CharField(
        label="答复", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnonymousRatingForm(Form):
    score = forms.DecimalField(
        label="您的评分(0–100 分)",
        max_digits=6,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "1"}),
    )
