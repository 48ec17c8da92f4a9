"""The spot-check draw form: the service validates the year and the share."""

from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core.forms import Form


class SpotCheckDrawForm(Form):
    year = forms.IntegerField(
        label="年度",
        widget=forms.NumberInput({"inputmode": "numeric"}),
    )
    share = forms.CharField(
        label="抽查比例",
        required=False,
        max_length=6,
        help_text="留空按本县参数(不低于 0.30)；可填更高比例，如 0.5。",
        widget=forms.TextInput({"inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args, counties=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"] = OrgChoiceField(
            label="县(市、区)总工会",
            orgs=counties,
        )
        self.order_fields(["county", "year", "share"])
        if len(self.fields["county"].choices) == 2:  # one county: preselect it
            self.fields["county"].initial = self.fields["county"].choices[1][0]
