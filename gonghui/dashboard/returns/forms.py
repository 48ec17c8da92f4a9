"""Forms of the annual statistical return."""

from django import forms

from gonghui.accounts.forms import OrgChoiceField
from gonghui.core.forms import Form


class ReturnCreateForm(Form):
    org = OrgChoiceField(label="填报组织")
    year = forms.IntegerField(label="统计年度", min_value=2000, max_value=2100)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(label="填报组织", orgs=orgs)
        self.fields["year"].help_text = "统计期为上年 10 月 1 日至本年 9 月 30 日"


class ManualEntryForm(Form):
    """One field per item typed in by hand (the service checks the numbers)."""

    def __init__(self, *args, rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows:
            if row.to_fill:
                self.fields[row.item.code] = forms.CharField(
                    label=f"{row.item.name}({row.item.unit})",
                    required=False,
                    max_length=20,
                    initial="" if row.value is None else row.value,
                )
