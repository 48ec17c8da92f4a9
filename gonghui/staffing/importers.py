"""The staffing app's import kinds (found by the import registry's autodiscovery)."""

from gonghui.staffing.people import importers as _people  # noqa: F401
