"""The portal's forms: who the worker is, registering for a competition, a 五小 result and a
合理化建议. They parse; the services validate (`check=` runs their validation without writing
when a field fails, so one submit shows every problem)."""

from django import forms

from gonghui.core.forms import Form
from gonghui.workforce.innovations.forms import yes_no
from gonghui.workforce.innovations.models import InnovationCategory

_YES_NO = [("yes", "是"), ("no", "否")]


class IdentifyForm(Form):
    id_number = forms.CharField(
        label="身份证号",
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        help_text="入会时登记的手机号。",
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
    )


class RegisterForm(Form):
    """Registering for one competition: the trade (the member is the one who identified)."""

    def __init__(self, *args, trades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.trades = {t.pk: t for t in trades}
        self.fields["trade"] = forms.TypedChoiceField(
            label="报名工种",
            coerce=int,
            choices=[(str(t.pk), t.name) for t in trades],
            widget=forms.RadioSelect,
        )

    def trade(self, values: dict | None = None):
        values = self.cleaned_data if values is None else values
        return self.trades.get(values.get("trade"))


class InnovationForm(Form):
    """A 五小 result submitted by the worker."""

    category = forms.ChoiceField(label="类别", choices=InnovationCategory.choices)
    title = forms.CharField(label="成果名称", max_length=150)
    description = forms.CharField(
        label="成果简介",
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "解决了什么问题，怎么做的，效果如何。"}
        ),
    )
    claimed_benefit = forms.DecimalField(
        label="预计年效益(元)",
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "placeholder": "0"}),
    )
    funded_by_science_plan = forms.ChoiceField(
        label="是否已获政府科技计划资助", choices=_YES_NO, widget=forms.RadioSelect
    )
    awarded_elsewhere = forms.ChoiceField(
        label="是否已在其他评选中获奖", choices=_YES_NO, widget=forms.RadioSelect
    )
    message_names = {"funded_by_science_plan": "是否获资助", "awarded_elsewhere": "是否已获奖"}

    @staticmethod
    def service_values(values: dict) -> dict:
        return {
            "category": values.get("category", ""),
            "title": values.get("title", ""),
            "description": values.get("description", ""),
            "claimed_benefit": values.get("claimed_benefit"),
            "funded_by_science_plan": yes_no(values.get("funded_by_science_plan")),
            "awarded_elsewhere": yes_no(values.get("awarded_elsewhere")),
        }


class SuggestionForm(Form):
    title = forms.CharField(label="建议标题", max_length=150)
    content = forms.CharField(
        label="建议内容",
        widget=forms.Textarea(
            attrs={"rows": 6, "placeholder": "现在的问题、建议的做法和预期效果。"}
        ),
    )

    @staticmethod
    def service_values(values: dict) -> dict:
        return {"title": values.get("title", ""), "content": values.get("content", "")}
