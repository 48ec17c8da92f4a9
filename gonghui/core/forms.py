"""The base of every form in the project, and the one catalogue of validation messages.

Three rules every form follows by deriving from `Form` (a guard test walks every form class):

- **One catalogue.** `MESSAGES` holds the app's own Chinese for every generic validation error
  (required, too long, not a number, not in the list, bad date …), worded with the field's
  label. `Form` gives each of its fields these messages, also for Django's built-in validators
  (`max_length`, `min_value` …); no form sets generic messages of its own. Domain checks (an ID
  number's check digit, a credit code) keep their messages with the domain rule. Model fields
  get the same catalogue (`model_field_messages`, applied at start-up by core.apps).
- **One round.** A form whose fields have errors still asks the service what else is wrong:
  `check` (a callable taking the values that parsed) runs the service's own validation without
  writing; its messages for the fields not flagged yet join the form's, so a submit shows every
  problem at once. Views validate several forms with `forms_valid`, never `a.is_valid() and
  b.is_valid()`, which stops at the first.
- **Marked.** Templates draw the asterisk from a field's `required`; the input says it with
  `aria-required` (never the HTML `required`, which lets the browser stop a submit at the
  first empty field). A field in error carries `aria-invalid` and points at its message
  (`aria-describedby`), which static/js/forms.js removes as soon as the field is edited.
"""

import re
from collections.abc import Callable

from django import forms
from django.core import validators as django_validators
from django.db import models

from gonghui.core.errors import ServiceError, ValidationFailed

# --- the catalogue -----------------------------------------------------------------------------

# `{name}` is the field's label (short form); `%(…)s` are Django's parameters of the error.
MESSAGES: dict[str, str] = {
    "required": "请填写{name}。",
    "required_choice": "请选择{name}。",
    "required_check": "请勾选{name}。",
    "required_file": "请选择要上传的{name}。",
    "max_length": "{name}不能超过 %(limit_value)d 个字。",
    "min_length": "{name}至少填写 %(limit_value)d 个字。",
    "min_value": "{name}不能小于 %(limit_value)s。",
    "min_value_zero": "{name}不能为负数。",
    "max_value": "{name}不能大于 %(limit_value)s。",
    "step_size": "{name}应为 %(limit_value)s 的整数倍。",
    "invalid_integer": "{name}请填写整数。",
    "invalid_number": "{name}请填写数字。",
    "max_digits": "{name}最多 %(max)s 位数字。",
    "max_decimal_places": "{name}最多保留 %(max)s 位小数。",
    "max_whole_digits": "{name}整数部分最多 %(max)s 位。",
    "invalid_date": "{name}请填写正确的日期，如 2026-03-05。",
    "invalid_time": "{name}请填写正确的时间，如 08:30。",
    "invalid_datetime": "{name}请填写正确的日期和时间，如 2026-03-05 08:30。",
    "invalid_email": "{name}格式不正确，如 name@example.cn。",
    "invalid_url": "{name}请填写正确的网址，如 https://www.example.cn/。",
    "invalid_choice": "请从列表中选择{name}。",
    "invalid": "{name}格式不正确。",
    "invalid_file": "请选择要上传的{name}。",
    "missing_file": "没有收到文件，请重新选择。",
    "empty_file": "所选文件是空的，请检查后重新选择。",
    "file_name_too_long": "文件名不能超过 %(max)d 个字。",
    "file_contradiction": "请上传新文件或勾选清除，二者选一。",
    "invalid_image": "{name}请上传图片(JPG、PNG 等)。",
    "invalid_extension": "不支持 %(extension)s 文件，可上传：%(allowed_extensions)s。",
    "null_characters": "{name}含有无法识别的字符。",
    "unique": "该{name}已被使用。",
    "unique_for_date": "该{name}在当天已被使用。",
    # Formsets (several rows of the same form).
    "formset_management": "表单数据不完整，请刷新页面后重新填写。",
    "formset_too_many": "最多填写 %(num)d 项。",
    "formset_too_few": "至少填写 %(num)d 项。",
}

# A trailing note in brackets that is not part of the name: a unit, "optional", "including …".
_TRAILING_NOTE = re.compile(
    r"[(（](?=[^()（）]*(?:元|选|含|如|最多|可|填|个|人|%|MB|米))[^()（）]*[)）]\s*$"
)
SHORT_NAME_MAX = 12


def short_name(label) -> str:
    """The label as messages use it: without a trailing note such as "(元)", "(选填)" or
    "(含本人)" (a part of the name such as "乡镇(街道)" stays) or a colon; a long label
    (a checkbox's sentence) becomes "此项"."""
    text = str(label or "").strip().rstrip(":：")
    while _TRAILING_NOTE.search(text):
        text = _TRAILING_NOTE.sub("", text).strip()
    if not text or len(text) > SHORT_NAME_MAX:
        return "此项"
    return text


def _message(key: str, name: str) -> str:
    # A half-width % in a label would break Django's "%(param)s" formatting.
    return MESSAGES[key].replace("{name}", name.replace("%", "％"))


def _is_choice(field: forms.Field) -> bool:
    widget = field.widget
    return isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(
        widget, forms.Select | forms.RadioSelect | forms.CheckboxSelectMultiple
    )


def _invalid_key(field: forms.Field) -> str:
    if isinstance(field, forms.DecimalField | forms.FloatField):
        return "invalid_number"
    if isinstance(field, forms.IntegerField):
        return "invalid_integer"
    if isinstance(field, forms.DateTimeField):
        return "invalid_datetime"
    if isinstance(field, forms.DateField):
        return "invalid_date"
    if isinstance(field, forms.TimeField):
        return "invalid_time"
    if isinstance(field, forms.EmailField):
        return "invalid_email"
    if isinstance(field, forms.URLField):
        return "invalid_url"
    if isinstance(field, forms.FileField):
        return "invalid_file"
    if _is_choice(field):
        return "invalid_choice"
    return "invalid"


def _required_key(field: forms.Field) -> str:
    if isinstance(field, forms.BooleanField):
        return "required_check"
    if isinstance(field, forms.FileField):
        return "required_file"
    if _is_choice(field):
        return "required_choice"
    return "required"


def _codes(field: forms.Field) -> set[str]:
    """Every error code the field or Django's validators on it can raise."""
    codes = set()
    for klass in type(field).__mro__:
        codes |= set(getattr(klass, "default_error_messages", {}))
    codes |= set(field.error_messages)
    for validator in field.validators:
        # Django's validators with their stock message; one given its own words is a domain
        # rule (a phone number's format) and keeps them.
        stock = getattr(type(validator), "message", None)
        if (
            type(validator).__module__.startswith("django.")
            and getattr(validator, "code", None)
            and getattr(validator, "message", None) == stock
        ):
            codes.add(validator.code)
        if isinstance(validator, django_validators.DecimalValidator):
            codes |= {"max_digits", "max_decimal_places", "max_whole_digits"}
        if isinstance(validator, django_validators.FileExtensionValidator):
            codes.add("invalid_extension")
    return codes


def field_messages(field: forms.Field, name: str | None = None) -> dict[str, str]:
    """The catalogue's messages for one form field, keyed by Django's error codes. `name`:
    what the messages call the field when its label is a sentence (a checkbox's)."""
    name = name or short_name(field.label)
    choice_key = "invalid_choice"
    result = {}
    for code in _codes(field):
        if code == "required":
            key = _required_key(field)
        elif code == "invalid":
            key = _invalid_key(field)
        elif code == "min_value":
            key = "min_value_zero" if _is_zero(getattr(field, "min_value", None)) else "min_value"
        elif code in {"invalid_choice", "invalid_list", "invalid_pk_value"}:
            key = choice_key
        elif code == "max_length" and isinstance(field, forms.FileField):
            key = "file_name_too_long"
        elif code == "missing":
            key = "missing_file"
        elif code == "empty":
            key = "empty_file"
        elif code == "contradiction":
            key = "file_contradiction"
        elif code == "null_characters_not_allowed":
            key = "null_characters"
        elif code in MESSAGES:
            key = code
        else:
            key = "invalid"
        result[code] = _message(key, name)
    return result


def _is_zero(value) -> bool:
    try:
        return value is not None and float(value) == 0
    except (TypeError, ValueError):
        return False


def model_field_messages(field: models.Field) -> dict[str, str]:
    """The catalogue's messages for one model field (what `full_clean` would say)."""
    name = short_name(field.verbose_name)
    result = {}
    for code in field.error_messages:
        if code in {"null", "blank"}:
            key = "required"
        elif code == "invalid_choice":
            key = "invalid_choice"
        elif code == "invalid":
            if isinstance(field, models.DecimalField | models.FloatField):
                key = "invalid_number"
            elif isinstance(field, models.IntegerField | models.AutoField):
                key = "invalid_integer"
            elif isinstance(field, models.DateTimeField):
                key = "invalid_datetime"
            elif isinstance(field, models.DateField):
                key = "invalid_date"
            elif isinstance(field, models.TimeField):
                key = "invalid_time"
            else:
                key = "invalid"
        elif (
            code in {"unique", "unique_for_date"} or code in MESSAGES and "%(" not in MESSAGES[code]
        ):
            key = code
        else:
            key = "invalid"
        result[code] = _message(key, name)
    return result


def apply_model_field_messages(model_classes) -> None:
    """Give every field of these models the catalogue's messages (called once at start-up)."""
    for model in model_classes:
        for field in model._meta.get_fields(include_hidden=True):
            if isinstance(field, models.Field) and field.concrete:
                field.error_messages = model_field_messages(field)


# --- the base form -----------------------------------------------------------------------------


Check = Callable[[dict], None]


class BoundField(forms.BoundField):
    """A required field says so with aria-required, not with the HTML `required`: that one
    lets the browser stop a submit at the first empty field with a tooltip of its own, one
    field at a time, while the server reports every problem at once."""

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if self.field.required and not isinstance(
            widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.HiddenInput
        ):
            attrs.setdefault("aria-required", "true")
        return attrs


class DateInput(forms.DateInput):
    """The browser's date picker. It shows a value only in ISO form; zh-hans renders dates as
    2021/03/05, which the picker leaves blank, so saving an edit would clear the date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class Form(forms.Form):
    """Base of every form: catalogue messages, one round of errors, required marks.

    `check`: the service's validation for this form, run without writing on the values that
    parsed when the fields have errors (see the module docstring). `service_fields` renames a
    service's field names to this form's (`{"org": "township"}`); `message_names` names a
    field whose label is a sentence, for the catalogue's messages (`{"promise": "承诺"}`).
    """

    required_css_class = "required"
    error_css_class = "has-error"
    use_required_attribute = False  # see BoundField
    bound_field_class = BoundField
    service_fields: dict[str, str] = {}
    # What the catalogue's messages call a field whose label is a sentence ("承诺").
    message_names: dict[str, str] = {}

    def __init__(self, *args, check: Check | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.check = check

    def full_clean(self):
        # Fields added or replaced in a subclass's __init__ get the catalogue too.
        for name, field in self.fields.items():
            field.error_messages = field_messages(field, self.message_names.get(name))
        super().full_clean()
        if self.is_bound and self._errors and self.check is not None:
            try:
                self.check(dict(getattr(self, "cleaned_data", {}) or {}))
            except ValidationFailed as exc:
                self.add_service_errors(exc, only_new=True)

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self._errors or {}:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                described = f"{self[name].auto_id}_errors"
                if described not in attrs.get("aria-describedby", ""):
                    attrs["aria-describedby"] = (
                        f"{attrs.get('aria-describedby', '')} {described}".strip()
                    )

    def add_service_errors(self, exc: ServiceError, *, only_new: bool = False) -> None:
        """A service's field messages at this form's fields, the rest as form-level errors.

        only_new: keep a field's own error when it has one (the service would only repeat it
        or complain about a value that did not parse), and drop repeated form-level messages.
        """
        placed = False
        for key, messages in exc.fields.items():
            name = self.service_fields.get(key, key)
            if name in self.fields:
                if only_new and name in (self._errors or {}):
                    continue
                for message in messages:
                    self.add_error(name, message)
                placed = True
            else:
                for message in messages:
                    if only_new and message in self.non_field_errors():
                        continue
                    self.add_error(None, message)
                placed = True
        if not placed and not only_new:
            self.add_error(None, exc.message)


class FormSet(forms.BaseFormSet):
    """Base of every formset: the catalogue's messages for the formset's own errors."""

    default_error_messages = {
        "missing_management_form": MESSAGES["formset_management"],
        "too_many_forms": MESSAGES["formset_too_many"],
        "too_few_forms": MESSAGES["formset_too_few"],
    }


def forms_valid(*forms_) -> bool:
    """Validate every form (no short-circuit), so that all their errors show in one round."""
    results = [form.is_valid() for form in forms_]
    return all(results)


# --- shared forms ------------------------------------------------------------------------------


class ReasonForm(Form):
    """A reason the audit trail records: for unmasking personal data, deactivating, ..."""

    reason = forms.CharField(
        label="原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
