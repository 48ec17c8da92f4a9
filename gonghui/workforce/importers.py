"""The workforce app's import kinds (found by the import registry's autodiscovery)."""

from gonghui.workforce.competitions import importers as _competitions  # noqa: F401
