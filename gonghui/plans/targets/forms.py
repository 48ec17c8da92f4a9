"""Forms of plans and targets (one round of errors: `check` runs the service's validation)."""

from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core import metrics
from gonghui.core.forms import DateInput, Form
from gonghui.plans.targets.models import Basis, Comparator, ManualStatus


class PlanForm(Form):
    org = OrgChoiceField(label="所属组织")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    title = forms.CharField(label="计划名称", max_length=100)
    source_document = forms.CharField(
        label="来源文件", max_length=200, required=False, help_text="如：县总工会年度工作报告"
    )
    note = forms.CharField(
        label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(label="所属组织", orgs=orgs)


def measure_choices() -> list[tuple[str, str]]:
    return [("", "不用统计指标(手工填报)")] + [
        (m.code, f"{m.name}({m.unit})") for m in metrics.measures()
    ]


class TargetForm(Form):
    name = forms.CharField(label="目标名称", max_length=100)
    org = OrgChoiceField(label="责任组织")
    measure_code = forms.ChoiceField(label="统计指标", required=False)
    comparator = forms.ChoiceField(label="比较方式", choices=Comparator.choices)
    basis = forms.ChoiceField(label="统计口径", choices=Basis.choices)
    value = forms.DecimalField(
        label="目标值", required=False, max_digits=12, decimal_places=2, min_value=0
    )
    starts_on = forms.DateField(label="统计起始日期", widget=DateInput, required=False)
    deadline = forms.DateField(label="截止日期", widget=DateInput, required=False)
    lead_unit = forms.CharField(label="牵头单位", max_length=100, required=False)
    co_units = forms.CharField(label="配合单位", max_length=200, required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(label="责任组织", orgs=orgs)
        self.fields["measure_code"].choices = measure_choices()
        self.fields["starts_on"].help_text = "不填为计划年度 1 月 1 日"
        self.fields["deadline"].help_text = "不填为计划年度 12 月 31 日"


class SplitForm(Form):
    """One share field per lower org; the service checks that the shares add up."""

    def __init__(self, *args, orgs=(), initial_shares=None, **kwargs):
        super().__init__(*args, **kwargs)
        initial_shares = initial_shares or {}
        self.orgs = list(orgs)
        for org in self.orgs:
            self.fields[f"share_{org.pk}"] = forms.DecimalField(
                label=org.name,
                required=False,
                max_digits=12,
                decimal_places=2,
                min_value=0,
                initial=initial_shares.get(org.pk),
            )

    def shares(self) -> dict:
        data = self.cleaned_data
        return {
            org: data[f"share_{org.pk}"]
            for org in self.orgs
            if data.get(f"share_{org.pk}") is not None
        }


class ManualReportForm(Form):
    manual_status = forms.ChoiceField(label="完成情况", choices=ManualStatus.choices)
    recorded_on = forms.DateField(label="日期", widget=DateInput)
    text = forms.CharField(
        label="佐证说明", max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    document = forms.CharField(
        label="文件或链接", max_length=200, required=False, help_text="如文件文号、会议纪要编号"
    )
    file = forms.FileField(
        label="佐证文件",
        required=False,
        help_text="可选；PDF、JPG、PNG、Word(.docx)或 Excel(.xlsx)，不超过 10 MB",
    )
