"""Forms of membership transfers: a request (by the sending union), a claim (by the
receiving union, naming the member) and a refusal."""

from django import forms

from gonghui.core.forms import Form


class TransferRequestForm(Form):
    to_org = forms.TypedChoiceField(label="接收工会", coerce=int, choices=())
    reason = forms.CharField(
        label="转移原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, org_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].choices = [("", "请选择")] + list(org_choices)


class TransferClaimForm(TransferRequestForm):
    number = forms.CharField(
        label="身份证号或会员卡号",
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    field_order = ("number", "to_org", "reason")


class RejectForm(Form):
    reason = forms.CharField(
        label="拒绝原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3})
    )
