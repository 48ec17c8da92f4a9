"""Forms of the works-contest pages (staff, judges) and the portal's entry form."""

from django import forms

from gonghui.core.forms import Form, FormSet
from gonghui.outreach.contests.models import ScoringMethod
from gonghui.outreach.forms import OrgChoiceField

_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ContestForm(Form):
    title = forms.CharField(label="征集名称", max_length=100)
    theme = forms.CharField(label="主题", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    rules = forms.CharField(
        label="征集要求", max_length=10000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    opens_at = forms.DateTimeField(label="开始时间", widget=_DATETIME)
    deadline = forms.DateTimeField(label="截止时间", widget=_DATETIME)
    entries_per_person = forms.IntegerField(
        label="每人每类可投稿件数", min_value=1, max_value=20, initial=1
    )
    score_min = forms.DecimalField(label="最低分", max_digits=5, decimal_places=2, initial=0)
    score_max = forms.DecimalField(label="最高分", max_digits=5, decimal_places=2, initial=100)
    scoring_method = forms.ChoiceField(
        label="计分方法", choices=ScoringMethod.choices, initial=ScoringMethod.MEAN
    )
    prizes = forms.CharField(
        label="奖项设置(每个类别)",
        max_length=300,
        required=False,
        help_text="如 一等奖:1,二等奖:2,三等奖:3,优秀奖:10；并列时共享较高奖项。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if orgs is not None:
            self.fields["org"] = OrgChoiceField(label="主办工会", orgs=orgs)
            self.order_fields(["org"])


class CategoryForm(Form):
    name = forms.CharField(label="类别", max_length=30, required=False)
    takes_text = forms.BooleanField(label="收文字", required=False)
    max_images = forms.IntegerField(label="图片数上限", required=False, min_value=0, max_value=9)
    text_max_chars = forms.IntegerField(
        label="字数上限", required=False, min_value=100, max_value=20000
    )


class CategoryFormSetBase(FormSet):
    def rows(self) -> list[dict]:
        return [
            f.cleaned_data
            for f in self.forms
            if getattr(f, "cleaned_data", None) and f.cleaned_data.get("name")
        ]


CategoryFormSet = forms.formset_factory(
    CategoryForm, formset=CategoryFormSetBase, extra=4, max_num=12
)


class JudgeForm(Form):
    def __init__(self, *args, users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"] = forms.TypedChoiceField(
            label="评委",
            coerce=int,
            choices=[("", "请选择")]
            + [(str(u.pk), f"{u.display_name}({u.username})") for u in users],
        )


class AssignForm(Form):
    per_entry = forms.IntegerField(
        label="每件作品由几位评委评分",
        required=False,
        min_value=1,
        max_value=50,
        help_text="留空为全部评委。",
    )


class ScreenForm(Form):
    note = forms.CharField(label="初审意见", max_length=200, required=False)


class ScoreForm(Form):
    value = forms.DecimalField(label="评分", max_digits=5, decimal_places=2)
    comment = forms.CharField(
        label="评语", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EntryForm(Form):
    """A portal entry: the author, the work (text and/or pictures)."""

    author_name = forms.CharField(label="作者姓名", max_length=50)
    author_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    phone = forms.CharField(
        label="手机号码",
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text="仅用于联系作者和核对每人投稿件数，加密保存。",
    )
    title = forms.CharField(label="作品名称", max_length=100)
    text = forms.CharField(
        label="作品正文", required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 8})
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in categories}
        self.fields["category"] = forms.TypedChoiceField(
            label="征集类别",
            coerce=int,
            choices=[("", "请选择")] + [(str(c.pk), c.name) for c in categories],
        )
        self.order_fields(["category"])


class WithdrawForm(Form):
    """An entry withdrawn at its author's request: what they asked (the audit keeps it)."""

    note = forms.CharField(label="撤回说明", max_length=200, help_text="如：作者来电要求撤回。")
