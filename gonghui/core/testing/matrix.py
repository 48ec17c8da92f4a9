"""The permission-matrix harness (issue 2): every app registers its URLs and API endpoints.

Each endpoint is exercised for every role (plus anonymous) against a target in the
user's own subtree, in a sibling subtree and in the parent org. The expected outcome
is derived from the built-in role grants (asserted separately against an explicit
table in test_permission_matrix.py) and the relation:

- allowed (role grants module.action, target in own subtree): the success status;
- otherwise: 404 for pages and API alike (out of scope looks like missing), and
  for writes the snapshot of the affected state is unchanged;
- anonymous: pages redirect to the login page, the API answers 401.

Every role under test is assigned at township A (tree.a). Targets:
own → something in A's subtree (A1), sibling → in B's subtree (B1), parent → the county.

Apps register by listing `Endpoint`s in `gonghui/<app>/tests/matrix.py` as ENDPOINTS
and adding the module path to MATRIX_MODULES.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

MATRIX_MODULES = [
    "gonghui.orgs.tests.matrix",
    "gonghui.accounts.tests.matrix",
    "gonghui.audit.tests.matrix",
    "gonghui.core.imports.tests.matrix",
    "gonghui.members.tests.matrix",
    "gonghui.members.tests.matrix_join",
    "gonghui.members.tests.matrix_transfers",
    "gonghui.members.tests.matrix_api",
    "gonghui.sites.tests.matrix",
    "gonghui.sites.tests.matrix_map",
    "gonghui.sites.tests.matrix_staff",
    "gonghui.sites.tests.matrix_api",
    "gonghui.members.tests.matrix_api_join",
    "gonghui.assistance.tests.matrix",
    "gonghui.assistance.tests.matrix_programmes",
    "gonghui.assistance.tests.matrix_api",
    "gonghui.assistance.tests.matrix_stats",
    "gonghui.assistance.tests.matrix_monitoring",
    "gonghui.workforce.tests.matrix",
    "gonghui.workforce.tests.matrix_api",
]
RELATIONS = ("own", "sibling", "parent")
ROLES = (
    "county_admin",
    "county_staff",
    "township_staff",
    "grassroots_staff",
    "social_worker",
    "leader",
)


@dataclass
class Targets:
    """Objects the endpoint acts on, one per relation, built by the endpoint's `setup`."""

    own: Any
    sibling: Any
    parent: Any

    def for_relation(self, relation: str) -> Any:
        return getattr(self, relation)


@dataclass
class Endpoint:
    name: str
    method: str  # GET, POST, PATCH, DELETE
    module: str
    action: str
    url: Callable[[Any], str]  # target → URL
    setup: Callable[[Any, Any], Targets]  # (tree, actor) → targets
    data: Callable[[Any], dict] | None = None  # target → request body
    snapshot: Callable[[Any], Any] | None = None  # target → comparable state
    api: bool = False
    success: tuple[int, ...] = (200,)
    # For lists: text that must show for the own target and never for the others.
    marker: Callable[[Any], str] | None = None
    scoped: bool = True  # False: the target does not depend on the relation (e.g. "new" forms)
    extra: dict = field(default_factory=dict)


def collect_endpoints() -> list[Endpoint]:
    from importlib import import_module

    endpoints: list[Endpoint] = []
    for module_path in MATRIX_MODULES:
        endpoints.extend(import_module(module_path).ENDPOINTS)
    return endpoints


def json_text(response) -> str:
    """A JSON response as text with Chinese unescaped, for marker checks."""
    import json

    return json.dumps(response.json(), ensure_ascii=False)


def xlsx_text(response) -> str:
    """The first sheet of an .xlsx response as tab-separated text, for marker checks."""
    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    return "\n".join("\t".join(str(c) for c in row) for row in rows)
