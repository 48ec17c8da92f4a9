from django import forms
from django.conf import settings

from gonghui.core.forms import Form
from gonghui.core.imports.models import ExistingPolicy, ImportMode
from gonghui.core.pages import org_choices


class ImportUploadForm(Form):
    file = forms.FileField(
        label="导入文件",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.ods,.csv,.txt"}),
    )
    org = forms.TypedChoiceField(
        label="导入范围",
        coerce=int,
        help_text="只能导入到该组织及其下级组织；未填写所属工会的行归属到该组织。",
    )

    how = forms.ChoiceField(
        label="导入流程",
        choices=[
            ("preview", "先校验并预览，确认后再写入(推荐)"),
            (ImportMode.SKIP_INVALID, "直接导入：校验通过的行立即写入，有错误的行跳过"),
            (ImportMode.ALL_OR_NOTHING, "直接导入：全部行有效才写入，有任何错误则不写入"),
        ],
        initial="preview",
        required=False,  # not posted (older clients, scripts): preview
        widget=forms.RadioSelect,
        help_text="直接导入只读一遍文件，大文件更快；未导入的行同样可下载错误表。",
    )

    def __init__(self, *args, orgs, existing_choice: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].choices = org_choices(orgs)
        if existing_choice:
            self.fields["existing"] = forms.ChoiceField(
                label="已有记录(直接导入时)",
                choices=ExistingPolicy.choices,
                initial=ExistingPolicy.UPDATE,
                required=False,
                widget=forms.RadioSelect,
                help_text="先预览时，在确认导入时选择。",
            )
        limit = settings.IMPORT_MAX_FILE_BYTES // (1024 * 1024)
        self.fields["file"].help_text = (
            f"支持 .xlsx、.xls、.ods、.csv(UTF-8 或 GBK 编码)，不超过 {limit} MB、"
            f"{settings.IMPORT_MAX_ROWS:,} 行。"
        )


class ImportCommitForm(Form):
    mode = forms.ChoiceField(
        label="导入方式",
        choices=ImportMode.choices,
        widget=forms.RadioSelect,
    )


class ImportCommitExistingForm(ImportCommitForm):
    """For kinds that offer it: what to do with rows matching records already stored."""

    existing = forms.ChoiceField(
        label="已有记录",
        choices=ExistingPolicy.choices,
        initial=ExistingPolicy.UPDATE,
        widget=forms.RadioSelect,
    )


def add_option_fields(
    form: forms.Form, kind, actor, org, *, direct: bool = False, findings: dict | None = None
) -> None:
    """The kind's own choices (registry.ImportOption) as radio groups, limited to what the
    user may choose for `org`; at upload they apply to a direct import only. At commit, an
    option the validation's `findings` make moot is not asked (its default applies)."""
    for option in kind.options:
        if not direct and option.relevant is not None and not option.relevant(findings or {}):
            continue
        allowed = option.values_for(actor, org) if org is not None else None
        choices = [c for c in option.choices if allowed is None or c[0] in allowed]
        form.fields[option.key] = forms.ChoiceField(
            label=option.label + ("(直接导入时)" if direct else ""),
            choices=choices,
            initial=option.default,
            required=False,
            widget=forms.RadioSelect,
            help_text=option.help,
            error_messages={"invalid_choice": f"请选择{option.label}的处理方式。"},
        )


def chosen_options(form: forms.Form, kind) -> dict[str, str]:
    return {
        option.key: form.cleaned_data[option.key]
        for option in kind.options
        if form.cleaned_data.get(option.key)
    }
