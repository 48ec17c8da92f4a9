from django import forms

from gonghui.core.forms import Form
from gonghui.rights.employers.forms import EmployerPickForm, date_field, employer_field, text_area
from gonghui.rights.legalaid.models import AidKind, AidOutcome


class _ApplicationFields(Form):
    applicant_name = forms.CharField(
        label="申请人姓名", max_length=50, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    id_number = forms.CharField(
        label="身份证号",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label="手机号码",
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    kind = forms.ChoiceField(label="援助类型", choices=[("", "请选择"), *AidKind.choices])
    facts = text_area(
        "事实与请求", rows=5, max_length=5000, help_text="发生了什么、希望工会帮助解决什么"
    )
    amount_claimed = forms.DecimalField(
        label="涉及金额(元)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    health_details = text_area(
        "健康状况(选填)",
        required=False,
        rows=2,
        max_length=1000,
        help_text="涉及工伤、职业病等时填写，加密保存",
    )
    minor_details = text_area(
        "涉及未成年人(选填)",
        required=False,
        rows=2,
        max_length=1000,
        help_text="涉及未成年工等情况时填写，加密保存",
    )
    has_income_proof = forms.BooleanField(label="已准备经济困难证明", required=False)


class CaseForm(EmployerPickForm, _ApplicationFields):
    """An application taken by staff at the union's window."""

    enterprise_action = "edit"
    enterprise = employer_field("被申请单位", required=False)
    employer_name = forms.CharField(
        label="用人单位名称", max_length=150, required=False, help_text="单位未登记时填写"
    )
    org = forms.TypedChoiceField(label="受理工会", coerce=int, required=False, choices=[])
    applied_on = date_field("申请日期")

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._orgs = {o.pk: o for o in orgs}
        self.fields["org"].choices = [("", "按单位确定"), *[(o.pk, o.name) for o in orgs]]

    def clean_org(self):
        return self._orgs.get(self.cleaned_data.get("org"))

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("enterprise") and not cleaned.get("org") and "org" not in self.errors:
            self.add_error("org", "请选择受理工会，或填写已登记的被申请单位。")
        lacks_name = not (cleaned.get("employer_name") or "").strip()
        if (
            not cleaned.get("enterprise")
            and lacks_name
            and "employer_name" not in self.errors
            and "enterprise" not in self.errors
        ):
            self.add_error("employer_name", "请填写用人单位名称。")
        return cleaned


class PortalApplyForm(_ApplicationFields):
    """The worker's application on the portal (phone size)."""

    township = forms.CharField(label="所在乡镇(街道)", widget=forms.Select)
    employer_name = forms.CharField(label="用人单位名称", max_length=150)
    evidence_file = forms.FileField(
        label="证据材料(选填)",
        required=False,
        help_text="劳动合同、工资条、考勤记录等的照片或文件；PDF、JPG、PNG 或 Word(.docx)，不超过 10 MB",
    )
    income_proof_file = forms.FileField(
        label="经济困难证明(选填)",
        required=False,
        help_text="PDF、JPG、PNG 或 Word(.docx)，不超过 10 MB",
    )
    promise = forms.BooleanField(label="本人承诺所填信息真实，同意工会核实。")
    message_names = {"promise": "承诺"}

    def __init__(self, *args, townships=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].widget.choices = [
            ("", "请选择"),
            *[(str(t.pk), t.name) for t in townships],
        ]
        order = [
            "applicant_name",
            "id_number",
            "phone",
            "township",
            "employer_name",
            "kind",
            "facts",
            "amount_claimed",
            "health_details",
            "minor_details",
            "has_income_proof",
            "evidence_file",
            "income_proof_file",
            "promise",
        ]
        self.order_fields(order)


class StatusForm(Form):
    id_number = forms.CharField(label="身份证号", max_length=40)
    phone = forms.CharField(
        label="手机号码", max_length=30, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )


class FeedbackForm(StatusForm):
    number = forms.CharField(label="案件编号", max_length=20, widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        label="满意度",
        coerce=int,
        choices=[(5, "非常满意"), (4, "满意"), (3, "一般"), (2, "不满意"), (1, "很不满意")],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label="评价", max_length=300, required=False)


class DecideForm(Form):
    accept = forms.TypedChoiceField(
        label="决定",
        coerce=lambda v: v == "1",
        choices=[("1", "受理"), ("0", "不予受理")],
        widget=forms.RadioSelect,
    )
    on = date_field("决定日期")
    reason = forms.CharField(label="不予受理理由", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignForm(Form):
    assignee = forms.ChoiceField(label="承办人", choices=[])
    on = date_field("指派日期")
    handled_elsewhere = forms.CharField(
        label="异地承办",
        max_length=100,
        required=False,
        help_text="本县受理、在外县(市)承办时填写承办地工会",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, users=(), lawyers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [
            ("", "请选择"),
            *[(f"user:{u.pk}", f"工作人员：{u.display_name}") for u in users],
            *[(f"lawyer:{lw.pk}", f"律师：{lw.name}({lw.firm})") for lw in lawyers],
        ]


class NoteForm(Form):
    noted_on = date_field("日期")
    text = text_area("办理进展", rows=3)


class CloseForm(Form):
    outcome = forms.ChoiceField(label="结案结果", choices=[("", "请选择"), *AidOutcome.choices])
    closed_on = date_field("结案日期")
    amount_recovered = forms.DecimalField(
        label="挽回金额(元)", min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    judgement = forms.CharField(label="裁判/调解文书", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AttachmentForm(Form):
    file = forms.FileField(label="材料", help_text="PDF、JPG、PNG 或 Word(.docx)，不超过 10 MB")


class LawyerForm(Form):
    org = forms.TypedChoiceField(label="所属工会", coerce=int, choices=[])
    name = forms.CharField(label="姓名", max_length=50)
    firm = forms.CharField(label="律师事务所", max_length=100)
    licence_no = forms.CharField(label="执业证号", max_length=30, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._orgs = {o.pk: o for o in orgs}
        self.fields["org"].choices = [("", "请选择"), *[(o.pk, o.name) for o in orgs]]

    def clean_org(self):
        return self._orgs.get(self.cleaned_data.get("org"))


class SettingsForm(Form):
    income_proof_required = forms.BooleanField(label="须提交经济困难证明", required=False)
    deadline_working_days = forms.IntegerField(label="办结期限(工作日)", min_value=1, max_value=250)
