"""Forms of the staff site pages. They parse; the services validate (Chinese messages)."""

from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core import geo
from gonghui.core.forms import DateInput, Form
from gonghui.core.pages import org_choices
from gonghui.sites.hours import HoursError, hours_day_parse, hours_day_text
from gonghui.sites.models import (
    CONFIRMED_STANDARDS,
    WEEKDAY_LABELS,
    WEEKDAYS,
    Facility,
    SiteKind,
    SiteStatus,
    Standard,
)

_DATE = DateInput()
HOURS_HELP = "如 08:00-12:00,14:00-18:00；留空为休息。"


class SiteForm(Form):
    """Register or edit a site. Opening hours are one text input per weekday."""

    # The service names the point "coordinates": its message shows at the longitude input.
    service_fields = {"coordinates": "lng"}

    kind = forms.ChoiceField(
        label="站点类型",
        choices=[("", "请选择")] + list(SiteKind.choices),
    )
    name = forms.CharField(
        label="站点名称",
        max_length=100,
    )
    address = forms.CharField(label="地址", max_length=200, required=False)
    host_unit = forms.CharField(label="承建(依托)单位", max_length=150, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(
        label="联系电话",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    crs = forms.ChoiceField(
        label="坐标系",
        choices=[
            (code, geo.CRS_LABELS[code]) for code in (geo.Crs.GCJ02, geo.Crs.WGS84, geo.Crs.BD09)
        ],
        initial=geo.Crs.GCJ02,
        help_text="在地图上点选时为 GCJ-02；手机定位(GPS)读数选 WGS-84；百度地图取点选 BD-09。",
    )
    lng = forms.CharField(
        label="经度",
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "如 119.723456"}),
    )
    lat = forms.CharField(
        label="纬度",
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "如 29.103456"}),
    )
    is_24h = forms.BooleanField(label="24 小时开放", required=False)
    facilities = forms.MultipleChoiceField(
        label="服务设施",
        required=False,
        choices=Facility.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    standards = forms.MultipleChoiceField(
        label="“六有”标准",
        required=False,
        choices=[(c, Standard(c).label) for c in CONFIRMED_STANDARDS],
        widget=forms.CheckboxSelectMultiple,
        help_text="“有服务设施”“可在地图上查找”两项按设施清单和坐标自动判断，无需勾选。",
    )
    description = forms.CharField(
        label="服务内容", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, orgs=None, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"] = OrgChoiceField(
                label="管理单位",
                orgs=orgs,
            )
        self.fields["township"] = forms.TypedChoiceField(
            label="所在乡镇(街道)",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "按管理单位自动确定")] + org_choices(townships),
        )
        for day in WEEKDAYS:
            self.fields[f"hours_{day}"] = forms.CharField(
                label=WEEKDAY_LABELS[day],
                max_length=100,
                required=False,
                widget=forms.TextInput(attrs={"placeholder": "08:00-18:00"}),
            )

    @staticmethod
    def hours_initial(hours: dict) -> dict:
        return {f"hours_{day}": hours_day_text((hours or {}).get(day)) for day in WEEKDAYS}

    def hours_fields(self):
        return [self[f"hours_{day}"] for day in WEEKDAYS]

    def clean(self):
        cleaned = super().clean()
        hours = {}
        for day in WEEKDAYS:
            key = f"hours_{day}"
            try:
                hours[day] = hours_day_parse(cleaned.get(key, ""))
            except HoursError as exc:
                self.add_error(key, f"{WEEKDAY_LABELS[day]}：{exc}")
        cleaned["opening_hours"] = hours
        return cleaned

    def service_data(self) -> dict:
        """The keyword arguments site_create/site_update take (org and version apart)."""
        return site_service_data(self.cleaned_data)


def site_service_data(data: dict) -> dict:
    """SiteForm's cleaned data (or the part of it that parsed) as the services' arguments."""
    values = {
        key: data.get(key)
        for key in (
            "kind",
            "name",
            "address",
            "host_unit",
            "contact_name",
            "contact_phone",
            "is_24h",
            "facilities",
            "standards",
            "description",
            "opening_hours",
        )
    }
    for key in ("lng", "lat"):
        raw = (data.get(key) or "").strip()
        try:
            values[key] = float(raw)
        except ValueError:
            values[key] = raw  # the service answers with its Chinese message
    return values


class StatusForm(Form):
    status = forms.ChoiceField(
        label="新状态",
        choices=SiteStatus.choices,
    )
    reason = forms.CharField(
        label="原因",
        max_length=200,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="暂停或关闭须填写原因。",
    )
    on = forms.DateField(
        label="生效日期",
        required=False,
        widget=_DATE,
        help_text="留空为今天。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class PhotoForm(Form):
    image = forms.FileField(
        label="照片",
        help_text="JPG、PNG 或 WebP，不超过 5 MB；每个站点最多 12 张。",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label="说明", max_length=100, required=False)


class FeedbackAnswerForm(Form):
    answer = forms.CharField(
        label="答复内容",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FeedbackCloseForm(Form):
    note = forms.CharField(
        label="关闭说明", max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
