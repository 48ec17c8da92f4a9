from django import forms

from gonghui.core.forms import Form
from gonghui.rights.bargaining.models import OfferDirection, OfferOutcome, OfferReply, SeasonKind
from gonghui.rights.employers.forms import EmployerPickForm, date_field, employer_field, text_area


class OfferForm(EmployerPickForm):
    enterprise = employer_field()
    direction = forms.ChoiceField(
        label="要约方", choices=OfferDirection.choices, initial=OfferDirection.SENT
    )
    subject = forms.CharField(label="协商事项", max_length=200, initial="签订集体合同")
    sent_on = date_field("要约日期", help_text="对方应自收到要约之日起 20 日内书面答复")
    content = text_area("要约书内容", required=False)


class ReplyForm(Form):
    replied_on = date_field("答复日期")
    reply = forms.ChoiceField(label="答复", choices=OfferReply.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="答复内容", max_length=500, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class TalkForm(Form):
    held_on = date_field("协商日期")
    union_reps = forms.IntegerField(label="职工方代表人数", min_value=0, initial=3)
    employer_reps = forms.IntegerField(label="企业方代表人数", min_value=0, initial=3)
    representatives = forms.CharField(label="双方代表", max_length=500, required=False)
    minutes = text_area("协商纪要")


class OutcomeForm(Form):
    outcome = forms.ChoiceField(
        label="结果",
        choices=[c for c in OfferOutcome.choices if c[0] != OfferOutcome.OPEN],
        widget=forms.RadioSelect,
    )
    on = date_field("结果日期")
    note = forms.CharField(label="说明", max_length=300, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class SeasonForm(Form):
    org = forms.TypedChoiceField(label="组织", coerce=int, choices=[])
    name = forms.CharField(label="行动名称", max_length=100)
    kind = forms.ChoiceField(label="类型", choices=SeasonKind.choices)
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    starts_on = date_field("开始日期")
    ends_on = date_field("结束日期")
    note = forms.CharField(label="说明", max_length=300, required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._orgs = {o.pk: o for o in orgs}
        self.fields["org"].choices = [("", "请选择"), *[(o.pk, o.name) for o in orgs]]

    def clean_org(self):
        return self._orgs.get(self.cleaned_data.get("org"))
