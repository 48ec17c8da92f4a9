"""Render an audit event for people: Chinese labels for every code, readable values.

The labels come from the registry the writing apps fill (gonghui.core.labels); this module
only knows how to lay out what they registered.
"""

from decimal import Decimal, InvalidOperation

from django import template
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from gonghui.core.labels import UNKNOWN, is_pair, key_label, key_order, nested_like, value_label

register = template.Library()

_MODEL_PREFIX = "model:"


def _model(label: str):
    try:
        return apps.get_model(label) if label else None
    except (LookupError, ValueError):
        return None


def _field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _scalar(key: str, value, what: str | None) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value in (None, ""):
        return "—"
    label = value_label(key, value, what)
    if label is not None:
        return label
    if isinstance(value, str):
        try:  # amounts are written as strings: "5000.00" → "5,000.00"
            number = Decimal(value)
        except InvalidOperation:
            return value
        if number.is_finite() and "." in value:
            return f"{number:,}"
    return str(value)


class _Namer:
    """Names the keys of a dict value or the items of a list value of one detail key."""

    def __init__(self, key: str, what: str | None, event_model):
        self.key, self.what = key, what
        target = nested_like(key)
        self.model = None
        self.like = None
        if target is not None and target.startswith(_MODEL_PREFIX):
            self.model = _model(target[len(_MODEL_PREFIX) :]) or event_model
        else:
            self.like = target

    def name(self, item) -> str:
        field = _field(self.model, str(item))
        if field is not None:
            return str(field.verbose_name)
        if self.like is not None:
            label = value_label(self.like, item, self.what)
            if label is not None:
                return label
        label = value_label(self.key, item, self.what)
        if label is not None:
            return label
        label = key_label(str(item), self.what)
        return str(item) if label is None or label is UNKNOWN else label

    def value(self, inner_key, value) -> str:
        field = _field(self.model, str(inner_key))
        if field is not None and field.choices and not isinstance(value, bool):
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, dict):  # e.g. deadline_days {"high": 3}: labels of its own key
            return "，".join(
                f"{value_label(str(inner_key), k, self.what) or k} {v}" for k, v in value.items()
            )
        return _scalar(str(inner_key), value, self.what)


def _value(key: str, value, what: str | None, event_model) -> str:
    if isinstance(value, list):
        if is_pair(key) and len(value) == 2:
            return f"{_scalar(key, value[0], what)} → {_scalar(key, value[1], what)}"
        namer = _Namer(key, what, event_model)
        return "、".join(namer.name(item) for item in value) or "—"
    if isinstance(value, dict):
        namer = _Namer(key, what, event_model)
        shown = [(k, v) for k, v in value.items() if v not in ("", None)]
        return "，".join(f"{namer.name(k)} {namer.value(k, v)}" for k, v in shown) or "无"
    return _scalar(key, value, what)


def detail_parts(detail: dict, object_type: str = "") -> list[tuple[str, str]]:
    """(label, text) for each shown key of an audit detail."""
    if not detail:
        return []
    what = detail.get("what") if isinstance(detail.get("what"), str) else None
    event_model = _model(object_type)
    parts = []
    for key in sorted(detail, key=key_order):
        value = detail[key]
        label = key_label(key, what)
        if label is None:
            continue  # internal ids
        parts.append((key if label is UNKNOWN else label, _value(key, value, what, event_model)))
    return parts


@register.filter
def audit_detail(event_or_detail) -> str:
    """An event's detail (or a bare detail dict) as "标签：值；标签：值"."""
    if isinstance(event_or_detail, dict):
        detail, object_type = event_or_detail, ""
    else:
        detail, object_type = event_or_detail.detail, event_or_detail.object_type
    return "；".join(f"{label}：{text}" for label, text in detail_parts(detail, object_type))


@register.filter
def audit_object_type(event) -> str:
    """The Chinese name of the kind of object (the model's verbose name)."""
    model = _model(event.object_type)
    return str(model._meta.verbose_name) if model is not None else ""
