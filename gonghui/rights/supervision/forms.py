from django import forms

from gonghui.core.forms import Form
from gonghui.rights.employers.forms import EmployerPickForm, date_field, employer_field, text_area
from gonghui.rights.supervision.models import InspectionResult


class SupervisorForm(Form):
    org = forms.TypedChoiceField(label="聘任工会", coerce=int, choices=[])
    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    certificate_no = forms.CharField(label="监督员证号", max_length=30, required=False)
    appointed_on = date_field("聘任日期")
    term_ends_on = date_field("聘期届满", required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._orgs = {o.pk: o for o in orgs}
        self.fields["org"].choices = [("", "请选择"), *[(o.pk, o.name) for o in orgs]]

    def clean_org(self):
        return self._orgs.get(self.cleaned_data.get("org"))


class InspectionForm(EmployerPickForm):
    enterprise = employer_field("被检查单位")
    supervisors = forms.TypedMultipleChoiceField(
        label="监督员", coerce=int, choices=[], widget=forms.CheckboxSelectMultiple
    )
    inspected_on = date_field("检查日期")
    subject = forms.CharField(
        label="检查内容", max_length=200, initial="劳动合同、工资支付、工时休假、社会保险执行情况"
    )
    result = forms.ChoiceField(
        label="结论", choices=InspectionResult.choices, widget=forms.RadioSelect
    )
    summary = text_area("检查情况", required=False, rows=4)

    def __init__(self, *args, supervisors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._supervisors = {s.pk: s for s in supervisors}
        self.fields["supervisors"].choices = [
            (s.pk, f"{s.name}({s.org.name})") for s in supervisors
        ]

    def clean_supervisors(self):
        return [
            self._supervisors[pk]
            for pk in self.cleaned_data.get("supervisors") or []
            if pk in self._supervisors
        ]
