"""Form parts shared by the rights pages: picking an employer by its credit code or exact
name (within the user's scope), the date input."""

from django import forms

from gonghui.core.forms import DateInput, Form

DATE = DateInput()


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, help_text=help_text)


def text_area(
    label: str, *, required: bool = True, rows: int = 4, max_length: int = 5000, help_text=""
):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class EmployerPickForm(Form):
    """A form with an `enterprise` field: a credit code (统一社会信用代码) or the exact name
    of an employer in the user's rights scope; the cleaned value is the Enterprise."""

    enterprise_action = "edit"

    def __init__(self, *args, user=None, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fixed_enterprise = enterprise
        if "enterprise" in self.fields and enterprise is not None:
            self.fields["enterprise"].required = False
            self.fields["enterprise"].widget = forms.HiddenInput()

    def clean_enterprise(self):
        if self.fixed_enterprise is not None:
            return self.fixed_enterprise
        from gonghui.rights.employers.selectors import enterprise_resolve

        text = (self.cleaned_data.get("enterprise") or "").strip()
        if not text:
            return None
        found, message = enterprise_resolve(self.user, text, action=self.enterprise_action)
        if found is None:
            raise forms.ValidationError(message)
        return found


def employer_field(label: str = "用人单位", required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=150,
        help_text="填写统一社会信用代码或单位全称",
    )
