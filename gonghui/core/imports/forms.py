from django import forms
from django.conf import settings

from gonghui.core.imports.models import ExistingPolicy, ImportMode
from gonghui.core.views_helpers import org_choices


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="选择文件",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv,.txt"}),
        error_messages={"required": "请选择要导入的文件。", "empty": "上传的文件是空的。"},
    )
    org = forms.TypedChoiceField(
        label="导入范围",
        coerce=int,
        help_text="只能导入到该组织及其下级组织；未填写所属工会的行归属到该组织。",
        error_messages={"required": "请选择导入范围。", "invalid_choice": "请选择导入范围。"},
    )

    def __init__(self, *args, orgs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = org_choices(orgs)
        limit = settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)
        self.fields["file"].help_text = (
            f"支持 .xlsx、.xls、.ods、.csv(UTF-8 或 GBK 编码)，不超过 {limit} MB、"
            f"{settings.IMPORT_MAX_ROWS:,} 行。"
        )


class ImportCommitForm(forms.Form):
    mode = forms.ChoiceField(
        label="导入方式",
        choices=ImportMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "请选择导入方式。", "invalid_choice": "请选择导入方式。"},
    )


class ImportCommitExistingForm(ImportCommitForm):
    """For kinds that offer it: what to do with rows matching records already stored."""

    existing = forms.ChoiceField(
        label="已有记录",
        choices=ExistingPolicy.choices,
        initial=ExistingPolicy.UPDATE,
        widget=forms.RadioSelect,
        error_messages={
            "required": "请选择如何处理已有记录。",
            "invalid_choice": "请选择如何处理已有记录。",
        },
    )
