"""The visit form: it parses; the visit service validates (and records the new facts)."""

from django import forms

from gonghui.assistance.archives.forms import money_field
from gonghui.core.forms import DateInput, Form

_DATE = DateInput()


class VisitForm(Form):
    visited_on = forms.DateField(label="走访日期", widget=_DATE)
    visitor_names = forms.CharField(
        label="走访人员",
        max_length=200,
        required=False,
        help_text="填写姓名，多人用顿号分隔；记录人自动记为走访人员。",
    )
    findings = forms.CharField(
        label="走访情况", max_length=2000, widget=forms.Textarea({"rows": 3})
    )
    annual_income = money_field(
        "家庭年可支配收入(元)", help_text="有变化时填写，将更新档案并重新测算类别。"
    )
    medical_expense = money_field("年医疗支出(元)")
    schooling_expense = money_field("年教育支出(元)")
    disability_expense = money_field("年残疾康复支出(元)")
    job_loss = forms.BooleanField(label="家庭成员失业", required=False)
    disaster = forms.BooleanField(label="遭受灾害或意外", required=False)
    medical = forms.BooleanField(label="新发大额医疗支出", required=False)
