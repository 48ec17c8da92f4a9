from django import forms

from gonghui.core.forms import Form


class CloseForm(Form):
    note = forms.CharField(label="办理情况", max_length=300)
