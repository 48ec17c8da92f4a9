"""Forms of the standards page: they parse; the services validate."""

from django import forms

from gonghui.core.forms import DateInput, Form

_DATE = DateInput()


class StandardForm(Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    monthly_amount = forms.CharField(label="低保标准(元/人·月)", max_length=12)
    effective_from = forms.DateField(
        label="执行日期",
        widget=_DATE,
    )
    note = forms.CharField(label="说明", required=False, max_length=200)


class ThresholdsForm(Form):
    effective_from = forms.DateField(
        label="执行日期",
        widget=_DATE,
    )
    deep_multiplier = forms.CharField(label="深度困难线(低保的倍数)", max_length=6)
    relative_multiplier = forms.CharField(label="相对困难线(低保的倍数)", max_length=6)
    accidental_cost_share = forms.CharField(
        label="意外致困：刚性支出超过年收入的比例", max_length=6
    )
    near_line_margin = forms.CharField(
        label="监测：收入临界幅度(高出相对困难线的比例，如 0.20)", max_length=6
    )
    spot_check_share = forms.CharField(label="年度抽查比例(不低于 0.30)", max_length=6)
    exit_months = forms.IntegerField(label="连续不符合条件满几个月可脱困(不少于 6)")
    watch_years = forms.IntegerField(label="脱困后监测年数")
    review_interval_months = forms.IntegerField(label="复核周期(月，不超过 12)")
    note = forms.CharField(label="说明", required=False, max_length=200)
