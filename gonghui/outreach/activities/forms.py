"""Forms of the activity pages (staff) and the portal's check-in. They parse; the services
validate."""

from django import forms

from gonghui.core.forms import Form
from gonghui.outreach.activities.models import ActivityKind, AttendanceMode
from gonghui.outreach.forms import OrgChoiceField

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ActivityForm(Form):
    kind = forms.ChoiceField(
        label="活动类型", choices=[("", "请选择")] + list(ActivityKind.choices)
    )
    title = forms.CharField(label="活动名称", max_length=100)
    organiser = forms.CharField(label="主办单位", max_length=100, required=False)
    starts_at = forms.DateTimeField(label="活动时间", widget=_DATETIME)
    place = forms.CharField(label="地点", max_length=150)
    audience = forms.CharField(label="参加对象", max_length=100, required=False)
    attendance_mode = forms.ChoiceField(
        label="参加人数统计方式",
        choices=AttendanceMode.choices,
        initial=AttendanceMode.COUNT,
        help_text="签到名单：职工扫码签到或由工作人员代签，人数按名单统计。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, orgs=None, stops=(), **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"] = OrgChoiceField(label="主办工会", orgs=orgs)
        self.fields["stop"] = forms.TypedChoiceField(
            label="大篷车站次",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "不是大篷车站次的活动")]
            + [(str(s.pk), f"{s.starts_at:%Y-%m-%d} {s.place}") for s in stops],
        )
        self.order_fields(["org", "kind", "title"])


class RecordForm(Form):
    attendance = forms.IntegerField(
        label="参加人数",
        required=False,
        min_value=0,
        max_value=100000,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    summary = forms.CharField(
        label="活动小结", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class AttendeeForm(Form):
    name = forms.CharField(label="姓名", max_length=50)
    unit = forms.CharField(label="单位", max_length=100, required=False)
    member_card = forms.CharField(
        label="会员卡号(选填)",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ActivityPhotoForm(Form):
    """A photo of an activity (the service checks the picture and the number per activity)."""

    image = forms.FileField(
        label="照片",
        help_text="JPG、PNG 或 WebP，不超过 5 MB；每个活动最多 12 张。",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label="说明", max_length=100, required=False)
