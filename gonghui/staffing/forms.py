"""Forms of the staffing pages. They parse; the services validate (Chinese messages)."""

from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core.forms import DateInput, Form
from gonghui.staffing.models import (
    AppraisalKind,
    AppraisalResult,
    Certificate,
    Education,
    FundingSource,
    RaterGroup,
    WorkerStatus,
)

NAMED_GROUPS = [(v, label) for v, label in RaterGroup.choices if v != RaterGroup.WORKERS]


class WorkerForm(Form):
    name = forms.CharField(label="姓名", max_length=40)
    org = OrgChoiceField(label="服务的工会")
    post = forms.TypedChoiceField(label="岗位", coerce=int, required=False, empty_value=None)
    username = forms.CharField(
        label="平台账号(用户名)",
        max_length=150,
        required=False,
        help_text="社工有平台账号时填写，用于查看本人考核和提出异议。",
    )
    phone = forms.CharField(
        label="手机号",
        max_length=11,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    education = forms.ChoiceField(label="学历", choices=[("", "请选择")] + Education.choices)
    certificates = forms.MultipleChoiceField(
        label="职业资格证书",
        choices=Certificate.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agency = forms.CharField(label="用人(派遣)单位", max_length=100)
    hired_on = forms.DateField(label="入职日期", widget=DateInput())
    contract_start = forms.DateField(label="合同开始日期", widget=DateInput())
    contract_end = forms.DateField(label="合同到期日期", widget=DateInput())
    funding_source = forms.ChoiceField(label="经费来源", choices=FundingSource.choices)
    county_share = forms.IntegerField(
        label="县级承担比例(%)",
        min_value=0,
        max_value=100,
        initial=50,
        help_text="其余由乡镇(街道)承担。",
    )
    grade = forms.IntegerField(label="岗级", min_value=1, max_value=20, initial=1)
    band = forms.IntegerField(label="档次", min_value=1, max_value=20, initial=1)
    band_since = forms.DateField(label="现档次起始日期", widget=DateInput())
    status = forms.ChoiceField(label="状态", choices=WorkerStatus.choices, required=False)

    def __init__(self, *args, orgs=(), posts=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(label="服务的工会", orgs=orgs)
        self.fields["post"].choices = [("", "不占岗位")] + [
            (str(p.pk), f"{p.org.name} · {p.name}") for p in posts
        ]
        if not editing:
            del self.fields["status"]


class TrainingForm(Form):
    course = forms.CharField(label="培训课程", max_length=100)
    day = forms.DateField(label="培训日期", widget=DateInput())
    hours = forms.DecimalField(label="学时", max_digits=5, decimal_places=1, min_value=0)


class PostForm(Form):
    org = OrgChoiceField(label="所在工会")
    name = forms.CharField(label="岗位名称", max_length=60)
    note = forms.CharField(label="说明", max_length=200, required=False)
    is_active = forms.BooleanField(
        label="启用", required=False, initial=True, help_text="停用的岗位不能再安排社工。"
    )

    def __init__(self, *args, orgs=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:  # a post stays where it was set up
            del self.fields["org"]
        else:
            self.fields["org"] = OrgChoiceField(label="所在工会", orgs=orgs)
            del self.fields["is_active"]


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
        help_text="每行一项：指标编码 季度目标值 权重(%)，权重合计 100；年度考核目标为季度的 4 倍；未上线模块的指标在考核时跳过。",
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
