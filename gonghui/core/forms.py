"""Forms shared by several apps."""

from django import forms


class ReasonForm(forms.Form):
    """A reason the audit trail records: for unmasking personal data, deactivating, ..."""

    reason = forms.CharField(
        label="原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "请填写原因。"},
    )
