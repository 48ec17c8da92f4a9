"""Import kinds: code → spec, Chinese title and the module whose edit permission it needs.

Apps declare kinds in `<app>/importers.py`; those modules are imported on first use of the
registry (django.utils.module_loading.autodiscover_modules, as for admin.py), so nothing
else needs wiring.
"""

from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from gonghui.core.imports.spec import ImportSpec


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
