from django import forms

from gonghui.core.forms import Form
from gonghui.rights.contracts.models import ContractKind, ReviewResult
from gonghui.rights.employers.forms import EmployerPickForm, date_field, employer_field, text_area


class ContractForm(EmployerPickForm):
    """Register a signed contract: parties, term, the congress vote."""

    kind = forms.ChoiceField(label="合同类型", choices=[("", "请选择"), *ContractKind.choices])
    title = forms.CharField(label="合同名称", max_length=150)
    enterprise = employer_field("签订单位", required=False)
    covered = text_area(
        "覆盖单位",
        required=False,
        rows=3,
        help_text="行业性、区域性合同：每行一家，填写统一社会信用代码或单位全称",
    )
    org = forms.TypedChoiceField(label="工会方组织", coerce=int, required=False, choices=[])
    union_party = forms.CharField(label="工会方", max_length=150)
    employer_party = forms.CharField(label="企业方", max_length=150)
    workers_covered = forms.IntegerField(label="覆盖职工人数", min_value=1)
    start_on = date_field("期限开始")
    end_on = date_field("期限届满", help_text="期限 1 至 3 年")
    signed_on = date_field("签订日期")
    congress_on = date_field("职代会日期")
    congress_total = forms.IntegerField(label="应到代表人数", min_value=1)
    congress_present = forms.IntegerField(label="实到代表人数", min_value=0)
    congress_for = forms.IntegerField(label="赞成票数", min_value=0)
    text = text_area("合同文本", required=False, rows=6, max_length=100_000)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "按签订单位自动确定"), *[(o.pk, o.name) for o in orgs]]
        self._orgs = {o.pk: o for o in orgs}

    def clean_covered(self):
        from gonghui.rights.employers.selectors import enterprise_resolve

        lines = [line.strip() for line in (self.cleaned_data.get("covered") or "").splitlines()]
        found, problems = [], []
        for line in filter(None, lines):
            enterprise, message = enterprise_resolve(self.user, line)
            if enterprise is None:
                problems.append(f"“{line[:30]}”：{message}")
            else:
                found.append(enterprise)
        if problems:
            raise forms.ValidationError(problems)
        return found

    def clean_org(self):
        value = self.cleaned_data.get("org")
        return self._orgs.get(value) if value else None

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        return data


class FilingForm(Form):
    filed_on = date_field("报送日期")
    department = forms.CharField(label="报送部门", max_length=100, initial="县人力资源和社会保障局")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ReviewForm(Form):
    result = forms.ChoiceField(
        label="审查结果",
        choices=[(ReviewResult.APPROVED, "无异议"), (ReviewResult.OBJECTED, "有异议")],
        widget=forms.RadioSelect,
    )
    reviewed_on = date_field("审查意见日期")
    note = forms.CharField(label="审查意见", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class VersionForm(Form):
    text = text_area("合同文本", rows=12, max_length=100_000)
    note = forms.CharField(label="修改说明", max_length=200, required=False)


class AttachmentForm(Form):
    file = forms.FileField(label="附件", help_text="PDF、JPG、PNG 或 Word(.docx)，不超过 10 MB")


class RenewalForm(Form):
    on = date_field("要约日期")
    subject = forms.CharField(label="协商事项", max_length=200, required=False)
    content = text_area("要约书内容", required=False)


class TerminateForm(Form):
    on = date_field("终止日期")
    reason = forms.CharField(label="终止原因", max_length=300)
