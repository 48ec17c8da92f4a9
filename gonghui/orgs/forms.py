from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core.forms import DateInput, Form
from gonghui.orgs.models import (
    EconomicType,
    EnterpriseSize,
    EnterpriseStatus,
    Industry,
    OrgLevel,
    OrgType,
)


class OrgForm(Form):
    name = forms.CharField(label="组织名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    type = forms.ChoiceField(label="组织类型", choices=[("", "请选择")] + list(OrgType.choices))
    level = forms.TypedChoiceField(
        label="层级", coerce=int, choices=[("", "请选择")] + list(OrgLevel.choices)
    )
    code = forms.CharField(
        label="组织编码", max_length=32, required=False, help_text="留空则按上级编码自动生成。"
    )
    division_code = forms.CharField(
        label="行政区划代码",
        max_length=12,
        required=False,
        help_text="GB/T 2260：县级 6 位，乡镇级 9 位，村级 12 位。",
    )
    chair_name = forms.CharField(label="工会主席", max_length=50, required=False)
    contact_phone = forms.CharField(label="办公电话", max_length=20, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    founded_on = forms.DateField(
        label="成立日期",
        required=False,
        widget=DateInput(),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, parents=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if parents is not None:
            self.fields["parent"] = OrgChoiceField(label="上级组织", orgs=parents)
            self.order_fields(["parent"])
        if editing:
            del self.fields["code"]


class OrgMoveForm(Form):
    new_parent = OrgChoiceField(label="移动到(新的上级组织)")

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"] = OrgChoiceField(label="移动到(新的上级组织)", orgs=parents)


class EnterpriseForm(Form):
    name = forms.CharField(label="单位名称", max_length=150)
    credit_code = forms.CharField(label="统一社会信用代码", max_length=30)
    industry = forms.ChoiceField(label="行业", choices=[("", "请选择")] + list(Industry.choices))
    size = forms.ChoiceField(label="规模", choices=[("", "请选择")] + list(EnterpriseSize.choices))
    economic_type = forms.ChoiceField(
        label="经济类型", choices=EconomicType.choices, initial=EconomicType.PRIVATE
    )
    employee_count = forms.IntegerField(
        label="职工人数",
        min_value=0,
        initial=0,
    )
    has_union = forms.BooleanField(label="已建立工会", required=False)
    division_code = forms.CharField(label="所在行政区划代码", max_length=12, required=False)
    address = forms.CharField(label="地址", max_length=200, required=False)
    legal_representative = forms.CharField(label="法定代表人", max_length=50, required=False)
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    status = forms.ChoiceField(
        label="状态", choices=EnterpriseStatus.choices, initial=EnterpriseStatus.ACTIVE
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(
            label="覆盖工会",
            orgs=orgs,
            help_text="已建会填本单位工会；未建会填负责覆盖的乡镇(街道)工会或联合工会。",
        )
        self.fields["union"] = OrgChoiceField(
            label="本单位工会", orgs=orgs, required=False, help_text="已建会时选择本单位工会组织。"
        )
        self.order_fields(
            [
                "name",
                "credit_code",
                "org",
                "has_union",
                "union",
                "industry",
                "size",
                "economic_type",
                "employee_count",
            ]
        )
