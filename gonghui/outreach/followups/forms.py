"""Forms of the follow-up pages. They parse; the services validate."""

from django import forms
from django.utils import timezone

from gonghui.core.forms import DateInput, Form
from gonghui.outreach.followups.models import FollowUpResult

_DATE = DateInput()


class FollowUpForm(Form):
    message_names = {"final": "结案"}

    done_on = forms.DateField(label="回访日期", widget=_DATE)
    result = forms.ChoiceField(
        label="回访结果", choices=FollowUpResult.choices, widget=forms.RadioSelect
    )
    employer_name = forms.CharField(
        label="就业单位",
        max_length=150,
        required=False,
        help_text="已就业时填写；与本县登记的用人单位同名时自动关联。",
    )
    monthly_pay = forms.IntegerField(
        label="月工资(元)",
        required=False,
        min_value=1,
        max_value=1000000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    note = forms.CharField(
        label="情况说明", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    final = forms.BooleanField(
        label="结案：以本次结果作为最终结果，不再回访",
        required=False,
        help_text="已就业自动结案；最后一次回访也自动结案。",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("done_on", timezone.localdate())
        super().__init__(*args, **kwargs)


class AssignForm(Form):
    message_names = {"followups": "要分派的回访"}

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = forms.TypedChoiceField(
            label="分派给",
            coerce=int,
            empty_value=None,
            required=False,
            choices=[("", "取消分派")] + [(str(u.pk), u.display_name) for u in staff],
        )
        self.fields["followups"] = forms.TypedMultipleChoiceField(
            label="回访", coerce=int, choices=[], required=True
        )

    def set_followup_choices(self, ids) -> None:
        self.fields["followups"].choices = [(str(pk), str(pk)) for pk in ids]


class SettingsForm(Form):
    offsets = forms.CharField(
        label="回访时间(登记后第几天)",
        max_length=60,
        help_text="用逗号分隔，如 7,30,90；只影响此后确认的登记。",
    )
    working_days_only = forms.BooleanField(
        label="遇休息日、法定节假日顺延到下一个工作日", required=False
    )
