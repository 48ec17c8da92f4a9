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

Apps register by listing `Endpoint`s as ENDPOINTS in a `matrix*.py` module of a `tests/`
folder: the app's own (`gonghui/<app>/tests/matrix.py`) or a sub-domain's
(`gonghui/<app>/<subdomain>/tests/matrix.py`). `matrix_modules()` finds them in every
installed gonghui app; core names none of them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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


def matrix_modules() -> list[str]:
    """The dotted paths of the permission-matrix modules: every `matrix*.py` in a `tests/`
    folder of an installed gonghui app, apps in INSTALLED_APPS order, files by path."""
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("gonghui."):
            continue
        root = Path(config.path)
        for path in sorted(root.rglob("matrix*.py")):
            if path.parent.name == "tests":
                found.append(".".join([config.name, *path.relative_to(root).with_suffix("").parts]))
    return found


def collect_endpoints() -> list[Endpoint]:
    from importlib import import_module

    endpoints: list[Endpoint] = []
    for module_path in matrix_modules():
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
