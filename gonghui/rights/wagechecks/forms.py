from django import forms

from gonghui.core.forms import Form
from gonghui.rights.employers.forms import EmployerPickForm, date_field, employer_field, text_area
from gonghui.rights.wagechecks.models import CheckFocus, CheckItemScope

RESULT_CHOICES = [("ok", "符合"), ("fail", "不符合"), ("na", "不适用")]


class WageCheckForm(Form):
    org = forms.TypedChoiceField(label="组织", coerce=int, choices=[])
    name = forms.CharField(label="检查名称", max_length=150)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    joint_with = forms.CharField(
        label="联合部门", max_length=100, required=False, initial="县人力资源和社会保障局"
    )
    focus = forms.MultipleChoiceField(
        label="重点对象",
        choices=CheckFocus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = date_field("开始日期")
    ends_on = date_field("结束日期")
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._orgs = {o.pk: o for o in orgs}
        self.fields["org"].choices = [("", "请选择"), *[(o.pk, o.name) for o in orgs]]

    def clean_org(self):
        return self._orgs.get(self.cleaned_data.get("org"))


class RecordForm(EmployerPickForm):
    """One employer or site checked: the checklist's items, each 符合 / 不符合 / 不适用."""

    enterprise = employer_field("被检查单位")
    site_name = forms.CharField(
        label="工地/项目名称", max_length=150, required=False, help_text="检查建设工程项目时填写"
    )
    checked_on = date_field("检查日期")
    inspectors = forms.CharField(label="检查人员", max_length=200)
    note = forms.CharField(label="备注", max_length=500, required=False)

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"item_{item.code}"] = forms.ChoiceField(
                label=item.name
                + ("(建设工程项目)" if item.scope == CheckItemScope.CONSTRUCTION else ""),
                choices=RESULT_CHOICES,
                initial="na" if item.scope == CheckItemScope.CONSTRUCTION else "ok",
                widget=forms.RadioSelect,
            )

    def service_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("item_")}
        data["results"] = {
            item.code: self.cleaned_data.get(f"item_{item.code}") or "na" for item in self.items
        }
        return data


class FindingForm(EmployerPickForm):
    enterprise = employer_field()
    item_code = forms.ChoiceField(label="问题类别", required=False, choices=[])
    description = text_area("问题描述", rows=3)
    amount_owed = forms.DecimalField(
        label="拖欠金额(元)", min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    workers_affected = forms.IntegerField(label="涉及人数", min_value=0, initial=0)
    found_on = date_field("发现日期")

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item_code"].choices = [("", "其他"), *[(i.code, i.name) for i in items]]


class ResolveForm(Form):
    resolved_on = date_field("整改日期")
    amount_recovered = forms.DecimalField(
        label="追回金额(元)", min_value=0, max_digits=12, decimal_places=2, initial=0
    )
    note = forms.CharField(label="整改情况", max_length=500, required=False)


class PhotoForm(Form):
    image = forms.FileField(label="照片", help_text="JPG 或 PNG，不超过 10 MB")


class NoticeForm(Form):
    number = forms.CharField(label="文号", max_length=50, required=False)
    recipient = forms.CharField(label="主送", max_length=150)
    copy_to = forms.CharField(label="抄送", max_length=200, required=False)
    days = forms.IntegerField(label="整改期限(天)", min_value=1, max_value=90, required=False)
    body = text_area("正文", rows=12, max_length=20_000)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class IssueForm(Form):
    issued_on = date_field("送达日期")
    number = forms.CharField(label="文号", max_length=50, required=False)


class NoticeReplyForm(Form):
    replied_on = date_field("回复日期")
    text = forms.CharField(label="回复内容", max_length=500)


class CheckItemForm(Form):
    name = forms.CharField(label="检查事项", max_length=100)
    scope = forms.ChoiceField(label="适用", choices=CheckItemScope.choices)
    order = forms.IntegerField(label="顺序", min_value=0, initial=0)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


class NoticeSettingsForm(Form):
    letterhead = forms.CharField(label="文书抬头", max_length=100)
    number_prefix = forms.CharField(label="文号前缀", max_length=30, required=False)
    prompt_days = forms.IntegerField(label="提示函整改期限(天)", min_value=1, max_value=90)
    opinion_days = forms.IntegerField(label="意见书自行整改期限(天)", min_value=1, max_value=90)
    labour_bureau = forms.CharField(label="劳动保障部门", max_length=100)
    copy_procuratorate = forms.BooleanField(label="建议书抄送检察院", required=False)
    procuratorate = forms.CharField(label="检察院", max_length=100, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    contact = forms.CharField(label="联系人", max_length=30, required=False)
