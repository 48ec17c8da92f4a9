"""The shape of the code (issue 15), read from the source: no database, no imports run.

1. `core` is the ground floor: no module of gonghui/core (its tests aside) refers to a
   domain app — no import, at module level or inside a function, and no string naming one
   (`import_module("gonghui.orgs…")`, `apps.get_model("orgs", …)`, a foreign key to
   "orgs.Org"). What core needs from them is to be filled in from their AppConfig.ready()
   through a registry core defines (as the to-do, metric, label, home-page and audit-writer
   registries do), reached through a model's own relations or the org model's setting
   (settings.ORG_MODEL, as AUTH_USER_MODEL names the user's), or the code moves to the app
   it belongs to.
2. No import cycles between files, anywhere in gonghui: every import counts, at module
   level, inside functions (where a cycle is usually hidden) and under TYPE_CHECKING.
"""

import ast
import re
from pathlib import Path

import gonghui

ROOT = Path(gonghui.__file__).parent
CORE = ROOT / "core"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_files(under: Path, *, skip_tests: bool) -> list[Path]:
    skipped = {"migrations", "tests"} if skip_tests else {"migrations"}
    return sorted(
        p for p in under.rglob("*.py") if not skipped & set(p.relative_to(under).parts[:-1])
    )


MODULES = {_module_name(p): p for p in _source_files(ROOT, skip_tests=False)}

# Every top-level package of gonghui but core is a domain app (or, like gonghui.testing,
# built on them); the project modules (urls.py, api.py …) import them all.
DOMAIN_PACKAGES = sorted(
    p.name
    for p in ROOT.iterdir()
    if p.is_dir() and (p / "__init__.py").exists() and p.name != "core"
)
CORE_MAY_IMPORT = {"gonghui", "gonghui.settings"}
DOMAIN_PATH = re.compile(rf"gonghui\.({'|'.join(DOMAIN_PACKAGES)})(\.\w+)*")
DOMAIN_MODEL = re.compile(rf"({'|'.join(DOMAIN_PACKAGES)})\.[A-Z]\w*")


def _import_targets(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted names an import statement loads (`from a import b`: a.b when b is a
    module, else a), relative imports resolved."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
        for alias in node.names
    ]


def _imports(module: str) -> list[tuple[str, int]]:
    """(imported name, line) for every import statement anywhere in the module."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    found = {
        (target, node.lineno): None
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for target in _import_targets(module, node)
    }
    return list(found)


def _domain_strings(source: str) -> list[tuple[str, int]]:
    """String constants naming a domain module or model: a dotted path, an "app.Model"
    reference, or the app label given to get_model()."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if DOMAIN_PATH.fullmatch(node.value) or DOMAIN_MODEL.fullmatch(node.value):
                found.append((node.value, node.lineno))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "get_model"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and str(node.args[0].value).split(".")[0] in DOMAIN_PACKAGES
        ):
            found.append((f"get_model({node.args[0].value!r})", node.lineno))
    return found


def _in_core(name: str) -> bool:
    return name == "gonghui.core" or name.startswith("gonghui.core.")


def _core_to_domain() -> dict[str, list[int]]:
    """Each reference of core to a domain app, with the lines it is made on."""
    found: dict[str, list[int]] = {}
    for path in _source_files(CORE, skip_tests=True):
        module = _module_name(path)
        where = path.relative_to(ROOT.parent)
        references = [
            (f"{where} imports {target}", line)
            for target, line in _imports(module)
            if target.startswith("gonghui.")
            and not _in_core(target)
            and target not in CORE_MAY_IMPORT
        ]
        references += [
            (f"{where} names {text}", line)
            for text, line in _domain_strings(path.read_text(encoding="utf-8"))
        ]
        for reference, line in references:
            found.setdefault(reference, []).append(line)
    return found


def test_core_refers_to_no_domain_app():
    found = [
        f"{reference} (line {', '.join(map(str, lines))})"
        for reference, lines in sorted(_core_to_domain().items())
    ]
    assert found == [], "core refers to a domain app:\n" + "\n".join(found)


def test_the_domain_check_sees_what_it_must():
    """The checks above find each kind of reference (an empty result must mean something)."""
    assert {"orgs", "accounts", "audit", "members", "sites", "portal"} <= set(DOMAIN_PACKAGES)
    source = (
        "from gonghui.orgs.models import Org\n"
        "def f():\n    from gonghui.audit import services\n"
        "    return apps.get_model('accounts', 'User'), 'orgs.Org', 'gonghui.members.demo'\n"
    )
    tree = ast.parse(source)
    statements = [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    assert [t for n in statements for t in _import_targets("gonghui.core.models", n)] == [
        "gonghui.orgs.models",
        "gonghui.audit.services",
    ]
    assert [text for text, _line in _domain_strings(source)] == [
        "get_model('accounts')",
        "orgs.Org",
        "gonghui.members.demo",
    ]


def _import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {module: set() for module in MODULES}
    for module in MODULES:
        for target, _line in _imports(module):
            # `import a.b.c` (or from a.b.c import x, x not a module) loads the deepest module.
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != module:
                graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected component: a → b → … → a."""
    return [_one_cycle(graph, component) for component in _components(graph)]


def _components(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(start: str) -> None:
        # Iterative: the graph is deep enough to worry the recursion limit.
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(components)


def _one_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """A shortest cycle through the component's first module (breadth-first)."""
    members, start = set(component), component[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & members):
            if child == start:
                return [*paths[node], start]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    raise AssertionError(component)


def test_no_import_cycles():
    graph = _import_graph()
    cycles = [" → ".join(_one_cycle(graph, component)) for component in _components(graph)]
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_the_cycle_check_finds_and_names_a_cycle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"e"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
