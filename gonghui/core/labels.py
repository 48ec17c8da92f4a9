"""Chinese labels for the codes kept in records: the keys and values of audit details.

Services write audit details with stable English codes (`{"what": "alert_close", "rule":
"review_overdue", "outcome": "archived"}`); staff read them in Chinese. Each app registers
the labels of the codes it writes, from its `AppConfig.ready()`; core imports no domain app.

- `keys`: key → label, or None for a key staff need not see (an internal id);
- `values`: key → {value → label} (or a Django choices class) for keys holding codes;
- `what`: labels that apply only within details whose "what" is this (the same key may
  mean something else elsewhere: "from" is the old parent of a moved org, but the old
  amount of a budget);
- `nested`: key → how to name the keys of a dict value, or the items of a list value: the
  name of another key whose value labels apply (a run's "counts" are per rule, so
  {"review_overdue": 3} reads like the values of "rule"), "model:<app>.<Model>" for a
  model's field names (their verbose names; a field's choices label its values), or
  "model:" for the fields of the event's own object (the "changed" fields of an update);
- `pairs`: keys whose value is [before, after] (shown "before → after");
- `providers`: key → a function returning {value: label}, asked when a label is looked up
  (for codes registered at run time, like the import kinds).

A key or value registered twice with different labels is an error (found at start-up).
"""

from typing import Any

_KEYS: dict[str, str | None] = {}
_VALUES: dict[str, dict[str, str]] = {}
_SCOPED_KEYS: dict[tuple[str, str], str | None] = {}
_SCOPED_VALUES: dict[tuple[str, str], dict[str, str]] = {}
_NESTED: dict[str, str] = {}
_PAIRS: set[str] = set()
_ORDER: dict[str, int] = {}  # keys in registration order: details read the same on every database
_PROVIDERS: dict[str, list] = {}

UNKNOWN = object()


def _as_mapping(values) -> dict[str, str]:
    if isinstance(values, dict):
        return {str(k): str(v) for k, v in values.items()}
    return {str(value): str(label) for value, label in values.choices}  # a choices class


def _merge(target: dict, key, label, what: str) -> None:
    if key in target and target[key] != label:
        raise ValueError(f"label conflict for {what} {key!r}: {target[key]!r} vs {label!r}")
    target[key] = label


def labels_register(
    *,
    keys: dict[str, str | None] | None = None,
    values: dict[str, Any] | None = None,
    what: str | None = None,
    nested: dict[str, str] | None = None,
    pairs: list[str] | None = None,
    providers: dict[str, Any] | None = None,
) -> None:
    for key, label in (keys or {}).items():
        _ORDER.setdefault(key, len(_ORDER))
        if what is None:
            _merge(_KEYS, key, label, "key")
        else:
            _merge(_SCOPED_KEYS, (what, key), label, "key")
    for key, mapping in (values or {}).items():
        target = (
            _VALUES.setdefault(key, {})
            if what is None
            else _SCOPED_VALUES.setdefault((what, key), {})
        )
        for value, label in _as_mapping(mapping).items():
            _merge(target, value, label, f"value of {key!r}:")
    for key, like in (nested or {}).items():
        _merge(_NESTED, key, like, "nested key")
    _PAIRS.update(pairs or ())
    for key, provider in (providers or {}).items():
        _PROVIDERS.setdefault(key, []).append(provider)


def key_label(key: str, what: str | None = None):
    """The key's label; None when hidden; UNKNOWN when nobody registered it."""
    if what is not None and (what, key) in _SCOPED_KEYS:
        return _SCOPED_KEYS[(what, key)]
    return _KEYS.get(key, UNKNOWN)


def value_label(key: str, value, what: str | None = None) -> str | None:
    """The label of a coded value of the key, or None when the value is not a known code."""
    if isinstance(value, bool) or value is None:
        return None
    text = str(value)
    if what is not None and text in _SCOPED_VALUES.get((what, key), {}):
        return _SCOPED_VALUES[(what, key)][text]
    label = _VALUES.get(key, {}).get(text)
    if label is None:
        for provider in _PROVIDERS.get(key, ()):
            label = provider().get(text)
            if label is not None:
                break
    return label


def key_order(key: str) -> tuple[int, int]:
    """Sort key for showing a detail: "what" first, then in registration order (PostgreSQL's
    jsonb does not keep the order the keys were written in)."""
    return (0, 0) if key == "what" else (1, _ORDER.get(key, len(_ORDER)))


def nested_like(key: str) -> str | None:
    return _NESTED.get(key)


def is_pair(key: str) -> bool:
    return key in _PAIRS


def registered_keys() -> set[str]:
    return set(_KEYS) | {key for _what, key in _SCOPED_KEYS}


def registered_values(key: str) -> set[str]:
    found = set(_VALUES.get(key, {}))
    for (_what, k), mapping in _SCOPED_VALUES.items():
        if k == key:
            found |= set(mapping)
    return found
