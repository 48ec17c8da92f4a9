"""Forms of the 主席论坛 column. Each form's `check` runs the service's own validation so one
submit shows every problem (gonghui.core.forms)."""

from django import forms

from gonghui.accounts.models import RoleCode
from gonghui.core.forms import DateInput, Form
from gonghui.forum.models import TEXT_MAX, TITLE_MAX, Decision, Stage


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (possibly empty)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.docx"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class ArticleForm(Form):
    """An article's fields, shared by staff submissions, public ones and revisions."""

    title = forms.CharField(label="标题", max_length=TITLE_MAX)
    author_name = forms.CharField(label="作者", max_length=30)
    author_position = forms.CharField(label="职务", max_length=40, required=False)
    author_org = forms.CharField(label="作者单位", max_length=60, required=False)
    text = forms.CharField(
        label="正文",
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="200 至 20000 字；段落之间空一行。",
    )
    files = MultipleFileField(
        label="图片和附件",
        help_text="可选，最多 6 个，每个不超过 10 MB；JPG、PNG 图片，PDF 或 Word(.docx)文档。",
    )


class SubmissionForm(ArticleForm):
    topic = forms.TypedChoiceField(label="议题", required=False, coerce=int, empty_value=None)
    field_order = [
        "topic",
        "title",
        "author_name",
        "author_position",
        "author_org",
        "text",
        "files",
    ]

    def __init__(self, *args, topics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "不限议题(自由来稿)")] + [
            (t.pk, f"{t.title}(截止 {t.deadline:%Y-%m-%d})") for t in topics
        ]


class PublicSubmissionForm(SubmissionForm):
    org = forms.TypedChoiceField(label="所在乡镇(街道)或单位", coerce=int)
    contact_name = forms.CharField(label="联系人", max_length=30)
    contact_phone = forms.CharField(
        label="联系电话", max_length=20, help_text="仅用于编辑联系您，不会公开。"
    )
    contact_email = forms.CharField(label="电子邮箱(选填)", max_length=100, required=False)
    consent = forms.BooleanField(
        label="我确认稿件为本人原创，同意编辑部为刊发需要修改稿件，并同意为联系投稿使用上述联系方式。"
    )
    message_names = {"consent": "投稿须知"}
    field_order = [
        "topic",
        "title",
        "author_name",
        "author_position",
        "author_org",
        "org",
        "text",
        "files",
        "contact_name",
        "contact_phone",
        "contact_email",
        "consent",
    ]

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [("", "请选择")] + [(o.pk, o.name) for o in orgs]


class ReviewForm(Form):
    stage = forms.ChoiceField(label="审次", choices=Stage.choices, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="审稿意见", choices=Decision.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label="意见说明",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="退回修改或不予录用时必填，作者会看到。",
    )


class ProofForm(Form):
    note = forms.CharField(label="校对说明", required=False, max_length=500)


class EditorNoteForm(Form):
    note = forms.CharField(label="小编说", max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class TopicForm(Form):
    title = forms.CharField(label="议题", max_length=60)
    call_text = forms.CharField(
        label="征稿说明", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000
    )
    deadline = forms.DateField(label="截止日期", widget=DateInput())
    org = forms.TypedChoiceField(label="发布单位", coerce=int)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.name) for o in orgs]


class EditionForm(Form):
    number = forms.IntegerField(label="期号", min_value=1)
    issue_date = forms.DateField(label="出版日期", widget=DateInput())
    page = forms.CharField(label="版面", max_length=30, initial="第4版")
    title = forms.CharField(label="本期标题", max_length=60, required=False)
    org = forms.TypedChoiceField(label="编辑单位", coerce=int)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = [(o.pk, o.name) for o in orgs]


ROLE_CHOICES = list(RoleCode.choices)


class SettingsForm(Form):
    first_roles = forms.MultipleChoiceField(
        label="初审(编辑)角色", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    second_roles = forms.MultipleChoiceField(
        label="复审(部主任)角色", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    final_roles = forms.MultipleChoiceField(
        label="终审(总编辑)角色", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    reminder_days = forms.IntegerField(label="审稿提醒天数", min_value=1, max_value=90)
    quiet_days = forms.IntegerField(label="久未刊发天数", min_value=7, max_value=730)
