"""Import kinds: code → spec, Chinese title and the module whose edit permission it needs.

Apps declare kinds in `<app>/importers.py`; those modules are imported on first use of the
registry (django.utils.module_loading.autodiscover_modules, as for admin.py), so nothing
else needs wiring.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from gonghui.core.imports.spec import ImportSpec


@dataclass(frozen=True)
class ImportOption:
    """A choice of the kind's own that the user makes when committing (or, for a direct
    import, at upload): a radio group on the pages, `options` in the API. The spec's hooks
    read the chosen value from `ctx.options[key]`."""

    key: str
    label: str
    choices: tuple[tuple[str, str], ...]
    default: str
    help: str = ""
    # The values `actor` may choose for a job into `org` (default: all of them).
    allowed: Callable[..., set[str]] | None = None
    # Whether the preview asks at all, from what validation found (job.findings); a
    # direct import's upload always asks.
    relevant: Callable[[dict], bool] | None = None

    def values_for(self, actor, org) -> list[str]:
        values = [value for value, _ in self.choices]
        if self.allowed is None:
            return values
        permitted = self.allowed(actor, org)
        return [value for value in values if value in permitted]


@dataclass(frozen=True)
class ImportKind:
    code: str  # in URLs: /imports/new/<code>/
    title: str  # "工会组织"
    module: str  # permission module: the user needs its "edit" action at the target org
    spec: ImportSpec
    description: str = ""  # one or two sentences for the upload page
    next_url_name: str = ""  # where "查看导入结果" leads after a commit (a URL name), if any
    # The commit form asks whether rows matching stored records update them or are skipped;
    # the kind's validation marks such rows `row.existing` and its commit honours
    # `ctx.skip_existing` (outcome SKIPPED).
    existing_choice: bool = False
    options: tuple[ImportOption, ...] = ()
    # Shown on the job page with `job.findings` (what spec.findings summarised), if set.
    findings_template: str = ""


_KINDS: dict[str, ImportKind] = {}
_discovered = False


def register(kind: ImportKind) -> ImportKind:
    existing = _KINDS.get(kind.code)
    if existing is not None and existing != kind:
        raise ValueError(f"import kind {kind.code!r} registered twice")
    _KINDS[kind.code] = kind
    return kind


def _discover() -> None:
    global _discovered
    if not _discovered:
        _discovered = True
        autodiscover_modules("importers")


def get_kind(code: str) -> ImportKind:
    """The kind for a code; KeyError when there is none."""
    _discover()
    return _KINDS[code]


def all_kinds() -> list[ImportKind]:
    _discover()
    return list(_KINDS.values())
