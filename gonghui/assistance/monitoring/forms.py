"""Forms of the monitoring pages: they parse; the monitoring services validate."""

from django import forms

from gonghui.assistance.monitoring.definitions import (
    PARAMETER_LABELS,
    SCHOOLING_STAGE_CHOICES,
    AlertOutcome,
    CareKind,
    DisasterKind,
    RiskLevel,
)
from gonghui.core.forms import DateInput, Form

_DATE = DateInput()
_ID = forms.TextInput(attrs={"autocomplete": "off"})
_MONEY = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


class AlertCloseForm(Form):
    outcome = forms.ChoiceField(
        label="处置结果",
        choices=[("", "请选择"), *AlertOutcome.choices],
    )
    reason = forms.CharField(
        label="处置说明",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="写明核实情况或采取的帮扶措施；“无需帮扶”须说明理由。",
    )


class MedicalExpenseForm(Form):
    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        widget=_ID,
        help_text="困难职工本人或家庭成员的身份证号，或在册会员的身份证号。",
    )
    occurred_on = forms.DateField(
        label="就诊(结算)日期",
        widget=_DATE,
    )
    care = forms.ChoiceField(label="类别", choices=CareKind.choices)
    self_paid = forms.CharField(label="个人自付金额(元)", max_length=20, widget=_MONEY)
    note = forms.CharField(label="说明", max_length=300, required=False)


class JobLossForm(Form):
    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        widget=_ID,
        help_text="困难职工本人或家庭成员的身份证号，或在册会员的身份证号。",
    )
    lost_on = forms.DateField(
        label="失业日期",
        widget=_DATE,
    )
    employer_name = forms.CharField(label="原工作单位", max_length=150, required=False)
    reason = forms.CharField(label="原因", max_length=200, required=False)
    note = forms.CharField(label="说明", max_length=300, required=False)


class DisasterForm(Form):
    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        widget=_ID,
        help_text="困难职工本人或家庭成员的身份证号，或在册会员的身份证号。",
    )
    occurred_on = forms.DateField(label="发生日期", widget=_DATE)
    kind = forms.ChoiceField(label="类型", choices=DisasterKind.choices)
    loss = forms.CharField(
        label="损失金额(元)", max_length=20, widget=_MONEY, required=False, initial="0"
    )
    note = forms.CharField(label="说明", max_length=300, required=False)

    def clean_loss(self):
        return self.cleaned_data["loss"] or "0"


class SchoolingExpenseForm(Form):
    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        widget=_ID,
        help_text="学生家长(在册会员或困难职工)的身份证号；学生已登记为困难职工家庭成员的，"
        "也可填学生本人的。",
    )
    student_name = forms.CharField(label="学生姓名", max_length=50, required=False)
    stage = forms.ChoiceField(
        label="学段",
        choices=[("", "请选择"), *SCHOOLING_STAGE_CHOICES],
        help_text="只计非义务教育阶段(小学、初中免收学费，不计入)。",
    )
    school = forms.CharField(label="学校", max_length=100, required=False)
    paid_on = forms.DateField(label="缴费日期", widget=_DATE)
    amount = forms.CharField(
        label="个人负担费用(元)",
        max_length=20,
        widget=_MONEY,
        help_text="学费、住宿费等由家庭负担的部分(已减去资助、减免)。",
    )
    note = forms.CharField(label="说明", max_length=300, required=False)


_RISK_CHOICES = [("", "不设置"), *RiskLevel.choices]


class RuleParametersForm(Form):
    """One text field per parameter of the rule (deadlines as three fields)."""

    note = forms.CharField(label="修改说明", max_length=200, required=False)

    def __init__(self, *args, parameters: dict, with_enabled: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if with_enabled:
            self.fields["enabled"] = forms.BooleanField(label="本县启用", required=False)
            self.fields["effective_from"] = forms.DateField(
                label="执行日期",
                widget=_DATE,
            )
        self.parameter_names = []
        for name, value in parameters.items():
            if name == "deadline_days":
                for risk, label in RiskLevel.choices:
                    key = f"deadline_{risk}"
                    self.fields[key] = forms.IntegerField(
                        label=f"{label}风险办理时限(工作日)",
                        required=False,
                        min_value=1,
                        max_value=60,
                    )
                    self.initial.setdefault(key, (value or {}).get(risk))
                continue
            label = PARAMETER_LABELS.get(name, name)
            if name in ("risk", "outpatient_risk"):
                field = forms.ChoiceField(label=label, choices=_RISK_CHOICES, required=False)
            else:
                field = forms.CharField(label=label, max_length=20, required=False, widget=_MONEY)
            self.fields[f"p_{name}"] = field
            self.initial.setdefault(f"p_{name}", value)
            self.parameter_names.append(name)
        self.order_fields(["enabled", "effective_from"])

    def parameters(self) -> dict:
        data = self.cleaned_data
        params = {name: data.get(f"p_{name}") for name in self.parameter_names}
        params = {k: v for k, v in params.items() if v not in (None, "")}
        deadlines = {
            risk: data[f"deadline_{risk}"]
            for risk in RiskLevel.values
            if data.get(f"deadline_{risk}") is not None
        }
        if deadlines:
            params["deadline_days"] = deadlines
        return params
