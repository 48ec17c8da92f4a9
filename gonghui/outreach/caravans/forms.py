"""Forms of the caravan, stop and registration pages (staff and portal). They parse; the
services validate (Chinese messages, every problem in one round through `check=`)."""

from django import forms

from gonghui.core import geo
from gonghui.core.forms import Form, FormSet
from gonghui.core.pages import org_choices
from gonghui.outreach.caravans.models import (
    CONSENT_TEXT,
    CaravanKind,
    HostKind,
    ServiceKind,
    Trade,
)
from gonghui.outreach.forms import OrgChoiceField

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
_NUMBER = {"inputmode": "numeric", "autocomplete": "off"}


class CaravanForm(Form):
    name = forms.CharField(label="名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=[("", "请选择")] + list(CaravanKind.choices))
    kind_label = forms.CharField(
        label="自定类型名称", max_length=30, required=False, help_text="类型选“其他(自定)”时填写。"
    )
    vehicle = forms.CharField(
        label="车辆", max_length=100, required=False, help_text="车型和车牌，如 依维柯 浙G·12345"
    )
    equipment = forms.CharField(
        label="随车设备", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    trades = forms.MultipleChoiceField(
        label="可培训工种",
        required=False,
        choices=Trade.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    services = forms.MultipleChoiceField(
        label="服务项目",
        required=False,
        choices=ServiceKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    description = forms.CharField(
        label="简介", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"] = OrgChoiceField(label="所属工会", orgs=orgs)
            self.order_fields(["org"])

    def service_data(self) -> dict:
        return {
            k: self.cleaned_data.get(k)
            for k in (
                "name",
                "kind",
                "kind_label",
                "vehicle",
                "equipment",
                "trades",
                "services",
                "description",
            )
        }


class StopForm(Form):
    """Plan or edit a stop. The map picks the point as on the site form (GCJ-02)."""

    service_fields = {"coordinates": "lng"}

    starts_at = forms.DateTimeField(label="开始时间", widget=_DATETIME)
    ends_at = forms.DateTimeField(label="结束时间", widget=_DATETIME)
    place = forms.CharField(label="地点", max_length=100, help_text="如 青禾工业园区广场")
    address = forms.CharField(label="地址", max_length=200, required=False)
    host_kind = forms.ChoiceField(
        label="承办场所类型", choices=[("", "请选择")] + list(HostKind.choices)
    )
    host_name = forms.CharField(
        label="承办村(社区)或场所",
        max_length=150,
        required=False,
        help_text="承办场所类型为村(社区)或其他时填写。",
    )
    crs = forms.ChoiceField(
        label="坐标系",
        choices=[(c, geo.CRS_LABELS[c]) for c in (geo.Crs.GCJ02, geo.Crs.WGS84, geo.Crs.BD09)],
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
    duty_note = forms.CharField(
        label="其他值班人员",
        max_length=200,
        required=False,
        help_text="志愿者、讲师等(不是平台用户的)",
    )
    portal_open = forms.BooleanField(label="接受职工网上预约", required=False, initial=True)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self,
        *args,
        caravans=None,
        orgs=None,
        townships=(),
        enterprises=(),
        sites=(),
        staff=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        if caravans is not None:
            self.fields["caravan"] = forms.TypedChoiceField(
                label="大篷车",
                coerce=int,
                choices=[("", "请选择")] + [(str(c.pk), c.name) for c in caravans],
            )
        if orgs is not None:
            self.fields["org"] = OrgChoiceField(
                label="负责工会", orgs=orgs, help_text="该工会的工作人员现场登记、跟踪回访。"
            )
        self.fields["township"] = forms.TypedChoiceField(
            label="所在乡镇(街道)",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "按负责工会自动确定")] + org_choices(townships),
        )
        self.fields["host_enterprise"] = forms.TypedChoiceField(
            label="承办企业",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "—")] + [(str(e.pk), e.name) for e in enterprises],
        )
        self.fields["host_site"] = forms.TypedChoiceField(
            label="承办服务阵地",
            required=False,
            coerce=int,
            empty_value=None,
            choices=[("", "—")] + [(str(s.pk), s.name) for s in sites],
        )
        self.fields["duty_staff"] = forms.TypedMultipleChoiceField(
            label="值班人员",
            required=False,
            coerce=int,
            choices=[
                (str(u.pk), f"{u.display_name}({u.org.name if u.org_id else ''})") for u in staff
            ],
            widget=forms.CheckboxSelectMultiple,
            help_text="负责工会的平台用户：现场登记的职工默认由登记人跟踪回访。",
        )
        self.order_fields(
            [
                "caravan",
                "org",
                "starts_at",
                "ends_at",
                "place",
                "township",
                "address",
                "host_kind",
                "host_enterprise",
                "host_site",
                "host_name",
            ]
        )

    def location_fields(self):
        return [self[name] for name in ("crs", "lng", "lat")]

    def basic_fields(self):
        skip = {"crs", "lng", "lat", "version", "duty_staff", "duty_note", "portal_open"}
        return [f for f in self.visible_fields() if f.name not in skip]

    def duty_fields(self):
        return [self[name] for name in ("duty_staff", "duty_note", "portal_open")]


def stop_service_data(data: dict, *, enterprises, sites, staff) -> dict:
    """StopForm's cleaned data (or what parsed) as the services' keyword arguments."""
    by_pk = {e.pk: e for e in enterprises}
    sites_by_pk = {s.pk: s for s in sites}
    staff_by_pk = {u.pk: u for u in staff}
    values = {
        key: data.get(key)
        for key in (
            "starts_at",
            "ends_at",
            "place",
            "address",
            "host_kind",
            "host_name",
            "duty_note",
        )
    }
    values["portal_open"] = bool(data.get("portal_open"))
    values["host_enterprise"] = by_pk.get(data.get("host_enterprise"))
    values["host_site"] = sites_by_pk.get(data.get("host_site"))
    values["duty_staff"] = [
        staff_by_pk[pk] for pk in data.get("duty_staff") or [] if pk in staff_by_pk
    ]
    for key in ("lng", "lat"):
        raw = (data.get(key) or "").strip()
        try:
            values[key] = float(raw)
        except ValueError:
            values[key] = raw  # the service answers with its Chinese message
    return values


class OfferForm(Form):
    """One service a stop offers (a row of the stop form's offers)."""

    service = forms.ChoiceField(
        label="服务项目", required=False, choices=[("", "—")] + list(ServiceKind.choices)
    )
    trade = forms.ChoiceField(
        label="培训工种", required=False, choices=[("", "—")] + list(Trade.choices)
    )
    label = forms.CharField(label="名称", max_length=30, required=False)
    quota = forms.IntegerField(
        label="名额",
        required=False,
        min_value=1,
        max_value=10000,
        widget=forms.NumberInput(_NUMBER),
    )


class OfferFormSetBase(FormSet):
    def offers(self) -> list[dict]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("service"):
                rows.append(
                    {
                        "service": data["service"],
                        "trade": data.get("trade") or "",
                        "label": data.get("label") or "",
                        "quota": data.get("quota"),
                    }
                )
        return rows


OfferFormSet = forms.formset_factory(OfferForm, formset=OfferFormSetBase, extra=6, max_num=20)


class OfferAddForm(OfferForm):
    pass


class QuotaForm(Form):
    quota = forms.IntegerField(
        label="名额", min_value=1, max_value=10000, widget=forms.NumberInput(_NUMBER)
    )


class StopCancelForm(Form):
    reason = forms.CharField(
        label="取消原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2})
    )


class StopSummaryForm(Form):
    """The post-stop summary: text and people served per offer (one field per offer)."""

    summary = forms.CharField(
        label="服务小结", max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, offers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.offer_keys = []
        for offer in offers:
            key = f"served_{offer.pk}"
            self.fields[key] = forms.IntegerField(
                label=f"{offer.title} 服务人数",
                required=False,
                min_value=0,
                max_value=100000,
                widget=forms.NumberInput(_NUMBER),
            )
            self.offer_keys.append((offer.pk, key))

    def served(self) -> dict[int, int]:
        data = getattr(self, "cleaned_data", {}) or {}
        return {pk: data[key] for pk, key in self.offer_keys if data.get(key) is not None}


class RegistrationForm(Form):
    """现场登记 on a phone (staff) and 网上预约 (portal): the offer, the worker, consent and the
    job wish. ID number and phone are optional and need the consent box."""

    message_names = {"consent": "同意"}

    name = forms.CharField(label="姓名", max_length=50)
    gender = forms.ChoiceField(
        label="性别",
        required=False,
        choices=[("", "—"), ("female", "女"), ("male", "男")],
    )
    is_migrant_worker = forms.BooleanField(label="农民工", required=False)
    member_card = forms.CharField(
        label="会员卡号",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text="会员请填写或扫描会员卡号，与会员档案关联。",
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=False)
    id_number = forms.CharField(
        label="身份证号",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    wish_job = forms.CharField(label="期望岗位(工种)", max_length=50, required=False)
    wish_pay = forms.IntegerField(
        label="期望月薪(元)",
        required=False,
        min_value=0,
        max_value=1000000,
        widget=forms.NumberInput(_NUMBER),
    )
    wish_area = forms.CharField(label="期望工作地点", max_length=50, required=False)
    skills = forms.CharField(label="现有技能", max_length=200, required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args, offers=(), portal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.offers = {o.pk: o for o in offers}
        self.fields["offer"] = forms.TypedChoiceField(
            label="登记项目",
            coerce=int,
            choices=[(str(o.pk), _offer_label(o)) for o in offers],
            widget=forms.RadioSelect,
        )
        if portal:
            del self.fields["note"]
        self.order_fields(["offer"])

    def service_data(self) -> dict:
        return registration_service_data(self.cleaned_data, self.offers)

    def worker_fields(self):
        return [self[n] for n in ("name", "gender", "is_migrant_worker", "member_card")]

    def wish_fields(self):
        names = ("wish_job", "wish_pay", "wish_area", "skills", "note")
        return [self[n] for n in names if n in self.fields]


def registration_service_data(data: dict, offers: dict) -> dict:
    values = {
        key: data.get(key)
        for key in (
            "name",
            "gender",
            "is_migrant_worker",
            "member_card",
            "id_number",
            "phone",
            "wish_job",
            "wish_pay",
            "wish_area",
            "skills",
            "note",
        )
    }
    values = {k: ("" if v is None and k not in ("wish_pay",) else v) for k, v in values.items()}
    values["consent"] = bool(data.get("consent"))
    values["offer"] = offers.get(data.get("offer"))
    return values


def _offer_label(offer) -> str:
    left = offer.places_left
    if left:
        return f"{offer.title}(剩余 {left} 个名额)"
    return f"{offer.title}(名额已满，登记后进入候补，现有 {offer.waiting} 人候补)"


class ReferenceForm(Form):
    reference = forms.CharField(
        label="登记号",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class StopPhotoForm(Form):
    """A photo of a held stop (the service checks the picture and the number per stop)."""

    image = forms.FileField(
        label="照片",
        help_text="JPG、PNG 或 WebP，不超过 5 MB；每个站次最多 12 张。",
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    caption = forms.CharField(label="说明", max_length=100, required=False)
