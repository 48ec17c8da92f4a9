"""The rights import kinds (found by core/imports/registry.py's autodiscovery of
`<app>/importers.py`): each sub-domain's importers register their kinds on import."""

from gonghui.rights.contracts import importers as _contracts  # noqa: F401  (集体合同)
from gonghui.rights.wagechecks import importers as _wagechecks  # noqa: F401  (检查发现的问题)
