"""Forms of the rules and pay-table settings. They parse; the services validate."""

from django import forms

from gonghui.core.forms import Form
from gonghui.staffing.appraisals.models import AppraisalResult, RaterGroup


class SchemeForm(Form):
    computed_share = forms.IntegerField(
        label="实绩考核占比(%)", help_text="其余为评议得分。", min_value=0, max_value=100
    )
    weight_chair = forms.IntegerField(label="乡镇(街道)工会主席权重(%)", min_value=0, max_value=100)
    weight_deputy = forms.IntegerField(label="分管副主席权重(%)", min_value=0, max_value=100)
    weight_supervisor = forms.IntegerField(
        label="县总工会联系人权重(%)", min_value=0, max_value=100
    )
    weight_workers = forms.IntegerField(label="职工(匿名)权重(%)", min_value=0, max_value=100)
    targets = forms.CharField(
        label="实绩指标",
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text="每行一项：指标编码 季度目标值 权重(%)，权重合计 100；年度考核目标为季度的 4 倍；指标编码须为已登记的统计指标。",
    )
    cutoff_excellent = forms.DecimalField(label="优秀分数线", max_digits=5, decimal_places=2)
    cutoff_competent = forms.DecimalField(label="称职分数线", max_digits=5, decimal_places=2)
    cutoff_basic = forms.DecimalField(label="基本称职分数线", max_digits=5, decimal_places=2)
    bonus_excellent = forms.IntegerField(label="优秀奖励(元/月)", min_value=0)
    bonus_competent = forms.IntegerField(label="称职奖励(元/月)", min_value=0)
    bonus_basic = forms.IntegerField(label="基本称职奖励(元/月)", min_value=0)
    bonus_unfit = forms.IntegerField(label="不称职奖励(元/月)", min_value=0)
    training_min_hours = forms.IntegerField(label="年度培训最低学时", min_value=0)
    objection_days = forms.IntegerField(label="异议期(天)", min_value=1, max_value=90)
    promotion_years = forms.IntegerField(label="晋档最低年限", min_value=0)
    promotion_needs_certificate = forms.BooleanField(label="晋档须持职业资格证书", required=False)
    promotion_results = forms.IntegerField(label="须连续称职以上的年度数", min_value=0)

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        values = {
            key: data[key]
            for key in (
                "computed_share",
                "cutoff_excellent",
                "cutoff_competent",
                "cutoff_basic",
                "training_min_hours",
                "objection_days",
                "promotion_years",
                "promotion_needs_certificate",
                "promotion_results",
            )
        }
        values["rater_weights"] = {g: data[f"weight_{g}"] for g in RaterGroup.values}
        values["bonus"] = {r: data[f"bonus_{r}"] for r in AppraisalResult.values}
        values["targets"] = targets_parse(data["targets"])
        return values

    @staticmethod
    def initial_for(scheme) -> dict:
        initial = {
            key: getattr(scheme, key)
            for key in (
                "computed_share",
                "cutoff_excellent",
                "cutoff_competent",
                "cutoff_basic",
                "training_min_hours",
                "objection_days",
                "promotion_years",
                "promotion_needs_certificate",
                "promotion_results",
            )
        }
        for group in RaterGroup.values:
            initial[f"weight_{group}"] = scheme.rater_weights.get(group, 0)
        for result in AppraisalResult.values:
            initial[f"bonus_{result}"] = scheme.bonus.get(result, 0)
        initial["targets"] = "\n".join(
            f"{t['measure']} {t['target']} {t['weight']}" for t in scheme.targets
        )
        return initial


def targets_parse(text: str) -> list[dict]:
    """Lines "code target weight" → target dicts; a malformed line keeps its raw parts so
    the service reports it."""
    lines = []
    for raw in (text or "").splitlines():
        parts = raw.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        parts += [""] * (3 - len(parts))
        lines.append({"measure": parts[0], "target": parts[1], "weight": parts[2]})
    return lines


class PayGradeForm(Form):
    grade = forms.IntegerField(label="岗级", min_value=1, max_value=20)
    band = forms.IntegerField(label="档次", min_value=1, max_value=20)
    monthly_pay = forms.DecimalField(label="月薪(元)", max_digits=9, decimal_places=2, min_value=0)
