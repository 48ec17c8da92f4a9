"""Every form of the project speaks with one voice (issue 14 #3): it derives from
core.forms.Form, its fields' messages are the catalogue's (core.forms.MESSAGES), and no
input, however bad, brings up one of Django's stock messages ("这个字段是必填项。",
"确保该变量包含不超过 50 字符" …). The same holds for the model fields."""

import datetime
import importlib
import pkgutil
import re

import pytest
from django import forms as django_forms
from django.apps import apps
from django.core import validators as django_validators
from django.db import models
from django.utils import translation

import gonghui
from gonghui.core import forms as core_forms

# Forms whose constructor needs arguments beyond the data (kwargs to build them with).
FORM_KWARGS = {
    "RuleParametersForm": {
        "parameters": {"multiplier": "1.2", "risk": "high", "deadline_days": {"high": 5}},
        "with_enabled": True,
    },
    "ImportUploadForm": {"orgs": [], "existing_choice": True},
    "MemberForm": {"orgs": []},
    "ArchiveForm": {"orgs": []},
    "SiteForm": {"orgs": []},
    "OrgForm": {"parents": []},
}


def _project_modules():
    for info in pkgutil.walk_packages(gonghui.__path__, "gonghui."):
        name = info.name
        if ".tests" in name or ".migrations" in name or name.endswith(".conftest"):
            continue
        if ".management.commands" in name or name in {"gonghui.wsgi", "gonghui.cli"}:
            continue
        yield importlib.import_module(name)


def _subclasses(base):
    found, todo = set(), [base]
    while todo:
        for sub in todo.pop().__subclasses__():
            if sub not in found:
                found.add(sub)
                todo.append(sub)
    return found


def _project_forms():
    list(_project_modules())  # every form class is defined at import
    return sorted(
        (
            cls
            for cls in _subclasses(django_forms.BaseForm)
            if cls.__module__.startswith("gonghui.")
            and ".tests" not in cls.__module__
            and cls is not core_forms.Form
        ),
        key=lambda cls: f"{cls.__module__}.{cls.__name__}",
    )


def _stock_patterns() -> list[re.Pattern]:
    """Django's own messages (in the site's language) as patterns: "%(x)s" matches anything."""
    messages = set()
    for cls in _subclasses(django_forms.Field) | {django_forms.Field}:
        for klass in cls.__mro__:
            messages |= {str(m) for m in getattr(klass, "default_error_messages", {}).values()}
    for name in dir(django_validators):
        obj = getattr(django_validators, name)
        if isinstance(obj, type) and isinstance(getattr(obj, "message", None), str | object):
            message = getattr(obj, "message", None)
            if message is not None:
                messages.add(str(message))
    for cls in (django_validators.DecimalValidator, django_validators.FileExtensionValidator):
        messages |= {str(m) for m in getattr(cls, "messages", {}).values()}
    messages |= {str(m) for m in django_forms.BaseFormSet.default_error_messages.values()}
    patterns = []
    for message in messages:
        parts = re.split(r"%\([a-z_]+\)[sdr]|%[sd]", message)
        if any(part.strip() for part in parts):
            patterns.append(re.compile(".*".join(re.escape(p) for p in parts)))
    return patterns


def _bad_value(field):
    """An input that breaks every rule the field has."""
    if isinstance(field, django_forms.MultipleChoiceField):
        return ["不存在的选项"]
    if isinstance(field, django_forms.ChoiceField | django_forms.ModelChoiceField):
        return "不存在的选项"
    if isinstance(field, django_forms.BooleanField):
        return ""
    if isinstance(field, django_forms.FileField):
        return None
    if isinstance(field, django_forms.IntegerField | django_forms.DateField):
        return "abc"
    return "x" * 5000 + "\x00"


def _built(cls, data):
    kwargs = FORM_KWARGS.get(cls.__name__, {})
    if issubclass(cls, django_forms.BaseFormSet):
        return None
    return cls(data=data, **kwargs)


@pytest.fixture(scope="module")
def zh():
    with translation.override("zh-hans"):
        yield


def test_every_form_derives_from_the_core_form():
    forms = _project_forms()
    assert len(forms) > 40  # the walk found the project's forms
    strays = [
        f"{cls.__module__}.{cls.__name__}"
        for cls in forms
        if issubclass(cls, django_forms.BaseForm) and not issubclass(cls, core_forms.Form)
    ]
    assert strays == []


def test_every_formset_derives_from_the_core_formset():
    # formset_factory's classes carry Django's module name: find them where they are kept.
    formsets = {
        value
        for module in _project_modules()
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, django_forms.BaseFormSet)
        and value is not core_forms.FormSet
        and value is not django_forms.BaseFormSet
    }
    assert formsets  # the portal's household rows
    assert all(issubclass(cls, core_forms.FormSet) for cls in formsets)


@pytest.mark.django_db
def test_every_field_of_every_form_has_the_catalogue_messages(zh):
    checked = 0
    for cls in _project_forms():
        form = _built(cls, {})
        form.is_valid()
        for name, field in form.fields.items():
            expected = core_forms.field_messages(field, form.message_names.get(name))
            assert field.error_messages == expected, (cls, name)
            checked += 1
    assert checked > 250


@pytest.mark.django_db
def test_no_input_brings_up_a_django_stock_message(zh):
    stock = _stock_patterns()
    assert any(p.fullmatch("这个字段是必填项。") for p in stock)  # the guard can see them
    seen = 0
    for cls in _project_forms():
        for data in ({}, None):
            form = _built(cls, {})
            if data is None:
                bad = {name: _bad_value(field) for name, field in form.fields.items()}
                form = _built(cls, {k: v for k, v in bad.items() if v is not None})
            form.is_valid()
            for field, errors in form.errors.items():
                for message in errors:
                    seen += 1
                    hits = [p.pattern for p in stock if p.fullmatch(message)]
                    assert not hits, (cls.__name__, field, message)
                    assert re.search(r"[\u4e00-\u9fff]", message), (cls.__name__, field, message)
    assert seen > 100


def test_catalogue_messages_are_worded_with_the_label():
    field = django_forms.CharField(label="家庭年收入(元)", max_length=20)
    messages = core_forms.field_messages(field)
    assert messages["required"] == "请填写家庭年收入。"
    assert messages["max_length"] % {"limit_value": 20} == "家庭年收入不能超过 20 个字。"
    choice = django_forms.ChoiceField(label="所在乡镇(街道)", choices=[("a", "甲")])
    assert core_forms.field_messages(choice)["required"] == "请选择所在乡镇(街道)。"
    number = django_forms.IntegerField(label="职工人数", min_value=0)
    assert core_forms.field_messages(number)["min_value"] == "职工人数不能为负数。"
    assert core_forms.field_messages(number)["invalid"] == "职工人数请填写整数。"
    promise = django_forms.BooleanField(label="本人承诺以上信息真实，同意工会入户核实。")
    assert core_forms.field_messages(promise)["required"] == "请勾选此项。"


def test_a_domain_validator_keeps_its_own_words():
    mobile = django_validators.RegexValidator(r"^1\d{10}$", "请输入 11 位手机号。", code="mobile")
    form_class = type(
        "PhoneForm",
        (core_forms.Form,),
        {"phone": django_forms.CharField(label="手机号", validators=[mobile])},
    )
    form = form_class({"phone": "123"})
    assert not form.is_valid()
    assert form.errors["phone"] == ["请输入 11 位手机号。"]


def test_every_model_field_has_the_catalogue_messages():
    checked = 0
    for config in apps.get_app_configs():
        if not config.name.startswith("gonghui."):
            continue
        for model in config.get_models():
            for field in model._meta.get_fields():
                if isinstance(field, models.Field) and field.concrete:
                    expected = core_forms.model_field_messages(field)
                    assert field.error_messages == expected, (model, field.name)
                    checked += 1
    assert checked > 300


@pytest.mark.django_db
def test_a_model_validation_message_is_the_catalogues(zh):
    from django.core.exceptions import ValidationError

    from gonghui.orgs.models import Org

    org = Org(name="", code="", path="", type="", level=0)
    with pytest.raises(ValidationError) as caught:
        org.full_clean()
    messages = [m for ms in caught.value.message_dict.values() for m in ms]
    assert "这个字段不能为空。" not in messages and "该字段不能为空。" not in messages
    assert any(m.startswith("请填写") for m in messages)


def test_check_errors_join_the_forms_own_without_repeating_them():
    from gonghui.core.errors import ValidationFailed

    def check(data):
        raise ValidationFailed(
            "请检查填写的内容。",
            fields={
                "name": ["服务的姓名提示"],
                "phone": ["手机号码格式不正确。"],
                "x": ["整体提示"],
            },
        )

    form_class = type(
        "PersonForm",
        (core_forms.Form,),
        {
            "name": django_forms.CharField(label="姓名"),
            "phone": django_forms.CharField(label="手机号码", required=False),
        },
    )
    form = form_class({"name": "", "phone": "1"}, check=check)
    assert not form.is_valid()
    assert form.errors["name"] == ["请填写姓名。"]  # the form's own, not repeated
    assert form.errors["phone"] == ["手机号码格式不正确。"]
    assert form.non_field_errors() == ["整体提示"]
    assert form.fields["phone"].widget.attrs["aria-invalid"] == "true"
    assert form.fields["phone"].widget.attrs["aria-describedby"] == "id_phone_errors"
    valid = form_class({"name": "张三", "phone": ""}, check=check)
    assert valid.is_valid()  # a valid form leaves the service to the view (no double check)


def test_forms_valid_validates_every_form():
    form_class = type("OneForm", (core_forms.Form,), {"a": django_forms.CharField(label="甲")})
    first, second = form_class({}), form_class({})
    assert core_forms.forms_valid(first, second) is False
    assert first.errors and second.errors  # the second was validated too


def test_required_fields_say_so_without_stopping_the_browser():
    form_class = type(
        "NeedForm",
        (core_forms.Form,),
        {
            "name": django_forms.CharField(label="姓名"),
            "note": django_forms.CharField(label="备注", required=False),
        },
    )
    html = str(form_class()["name"]) + str(form_class()["note"])
    assert 'aria-required="true"' in html
    assert " required" not in html
    assert html.count("aria-required") == 1


@pytest.mark.django_db
def test_every_date_picker_shows_its_value_in_iso_form(zh):
    """zh-hans renders dates as 2021/03/05, which a browser date picker leaves blank: saving
    an edit would then clear the date."""
    pickers = 0
    for cls in _project_forms():
        form = _built(cls, {})
        if form is None:
            continue
        for name, field in form.fields.items():
            if getattr(field.widget, "input_type", "") == "date":
                pickers += 1
                assert field.widget.format_value(datetime.date(2021, 3, 5)) == "2021-03-05", (
                    cls.__name__,
                    name,
                )
    assert pickers >= 10
