"""The assistance import kinds (found by core/imports/registry.py's autodiscovery of
`<app>/importers.py`): each sub-domain's importers register their kinds on import."""

from gonghui.assistance.archives import importers as _archives  # noqa: F401  (archives)
from gonghui.assistance.monitoring import importers as _monitoring  # noqa: F401  (fact lists)
