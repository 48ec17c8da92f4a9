"""The base of the workforce forms that feed one service.

A form names what its fields stand for, and cleaning turns them into the service's
arguments: a typed member card number or ID number into the `Member` (in the user's scope,
`lookups.member_find`), a credit code or name into the `Enterprise`, a picked org id into
the `Org`, a picked row (team, trade, ceremony …) into that row. `service_values()` hands
the values to the service; `validate=` (the service's write-free `<entity>_validate`) runs
as the form's `check` when a field fails, so one submit shows every problem and the rules
live only in the service. The view then only calls the service with `service_values()`.
"""

from django.db.models import Model

from gonghui.core.errors import ValidationFailed
from gonghui.core.forms import Form
from gonghui.orgs.models import Org
from gonghui.workforce import lookups


class ServiceForm(Form):
    # field → the action the user needs on the person or employer it names
    member_fields: dict[str, str] = {}
    enterprise_fields: dict[str, str] = {}
    org_fields: tuple[str, ...] = ()  # their choices are the user's scope (org_options)
    service_names: tuple[str, ...] = ()  # the values the service takes, by field name

    def __init__(self, *args, user=None, validate=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.rows: dict[str, dict[str, Model]] = {}
        if validate is not None:
            self.check = lambda values: validate(**self.service_values(values))

    def pick(self, name: str, rows, label=str, blank: str | None = "—") -> None:
        """Offer these rows in the choice field `name`; cleaning gives the row picked."""
        rows = list(rows)
        self.rows[name] = {str(row.pk): row for row in rows}
        choices = [(str(row.pk), label(row)) for row in rows]
        self.fields[name].choices = ([("", blank)] if blank is not None else []) + choices

    def clean(self):
        data = super().clean()
        finders = [
            (name, action, lookups.member_find) for name, action in self.member_fields.items()
        ]
        finders += [
            (name, action, lookups.enterprise_find)
            for name, action in self.enterprise_fields.items()
        ]
        for name, action, find in finders:
            if name not in data:  # the field failed already
                continue
            text = str(data[name] or "").strip()
            data[name] = None
            if text:
                try:
                    data[name] = find(self.user, text, action=action)
                except ValidationFailed as exc:
                    self.add_error(name, exc.message)
        for name in self.org_fields:
            if name in data:
                picked = str(data[name] or "")
                data[name] = Org.objects.filter(pk=picked).first() if picked.isdigit() else None
        for name, rows in self.rows.items():
            if name in data:
                data[name] = rows.get(str(data[name] or ""))
        return data

    def service_values(self, values: dict | None = None) -> dict:
        """The service's keyword arguments from the cleaned values (or the part that
        parsed, when `check` runs on a form with errors)."""
        values = self.cleaned_data if values is None else values
        return {name: values.get(name) for name in self.service_names}
