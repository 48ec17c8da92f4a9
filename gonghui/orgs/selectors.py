"""Reads of the org tree and employers, always through the user's scope."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from gonghui.core.modules import Action
from gonghui.core.scope import get_in_scope_or_404, org_in_scope, scope_paths, scope_queryset
from gonghui.core.text import normalise_text
from gonghui.orgs.models import Enterprise, Org, OrgLevel, OrgStatus
from gonghui.orgs.validators import enterprise_name_key


def org_scoped(user, action: str = Action.VIEW) -> QuerySet[Org]:
    return scope_queryset(Org.objects.all(), user, "orgs", action, org_field="")


def org_get(user, pk, action: str = Action.VIEW) -> Org:
    return get_in_scope_or_404(Org.objects.select_related("parent"), user, "orgs", action, pk=pk)


def org_list(
    user,
    *,
    q: str = "",
    type: str = "",
    level: str | int = "",
    status: str = "",
    within: Org | None = None,
) -> QuerySet[Org]:
    orgs = org_scoped(user).select_related("parent")
    if within is not None:
        orgs = orgs.filter(path__startswith=within.path)
    q = normalise_text(q)
    if q:
        orgs = orgs.filter(Q(name__contains=q) | Q(short_name__contains=q) | Q(code__startswith=q))
    if type:
        orgs = orgs.filter(type=type)
    if level:
        orgs = orgs.filter(level=level)
    if status:
        orgs = orgs.filter(status=status)
    return orgs.order_by("code")


def org_roots(user) -> QuerySet[Org]:
    """The tops of the user's scope: where their tree view starts."""
    paths = scope_paths(user, "orgs", Action.VIEW)
    return Org.objects.filter(path__in=paths).order_by("level", "code")


# Siblings in the order the county keeps them: by org code (青禾街道 001, 东湖街道 002 …),
# active ones first; not by the code points of their names.
SIBLING_ORDER = ("status", "level", "code")


def org_children(user, parent: Org) -> QuerySet[Org]:
    """Children of an in-scope org, with their own child counts for the expand toggles."""
    if not org_in_scope(user, "orgs", Action.VIEW, parent):
        raise Http404
    return (
        Org.objects.filter(parent=parent)
        .annotate(child_count=Count("children"))
        .order_by(*SIBLING_ORDER)
    )


def org_tree_search(user, q: str, limit: int = 50) -> tuple[list[Org], set[int]]:
    """Matches for the tree search and the ids to expand so each match shows in place."""
    matches = list(org_list(user, q=q)[:limit]) if normalise_text(q) else []
    roots = scope_paths(user, "orgs", Action.VIEW)
    expand: set[int] = set()
    for org in matches:
        root = next((p for p in roots if org.path.startswith(p)), None)
        if root is None:
            continue
        below_root = org.path[len(root) - 1 :].strip("/").split("/")[:-1]
        root_id = int(root.strip("/").split("/")[-1])
        expand.add(root_id)
        expand.update(int(part) for part in below_root if part)
    return matches, expand


def org_autocomplete(user, q: str, *, action: str = Action.VIEW, limit: int = 20) -> list[Org]:
    orgs = org_scoped(user, action).filter(status=OrgStatus.ACTIVE)
    q = normalise_text(q)
    if q:
        orgs = orgs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return list(orgs.order_by("level", "path")[:limit])


def org_subtree_counts(user, org: Org) -> dict[str, int]:
    subtree = Org.objects.filter(path__startswith=org.path)
    orgs = subtree.aggregate(
        orgs=Count("id"), active_orgs=Count("id", filter=Q(status=OrgStatus.ACTIVE))
    )
    enterprises = Enterprise.objects.filter(org__in=subtree.values("id")).aggregate(
        enterprises=Count("id"), enterprises_with_union=Count("id", filter=Q(has_union=True))
    )
    return {**orgs, **enterprises}


def enterprise_scoped(user, action: str = Action.VIEW) -> QuerySet[Enterprise]:
    return scope_queryset(Enterprise.objects.all(), user, "orgs", action)


def enterprise_get(user, pk, action: str = Action.VIEW) -> Enterprise:
    return get_in_scope_or_404(
        Enterprise.objects.select_related("org", "union"), user, "orgs", action, pk=pk
    )


def enterprise_list(
    user,
    *,
    q: str = "",
    industry: str = "",
    size: str = "",
    has_union: str = "",
    status: str = "",
    verified: str = "",
    within: Org | None = None,
    action: str = Action.VIEW,
) -> QuerySet[Enterprise]:
    enterprises = enterprise_scoped(user, action).select_related("org")
    if within is not None:
        enterprises = enterprises.filter(
            org__in=Org.objects.filter(path__startswith=within.path).values("id")
        )
    q = normalise_text(q)
    if q:
        enterprises = enterprises.filter(Q(name__contains=q) | Q(credit_code__startswith=q.upper()))
    if industry:
        enterprises = enterprises.filter(industry=industry)
    if size:
        enterprises = enterprises.filter(size=size)
    if has_union in {"1", "0"}:
        enterprises = enterprises.filter(has_union=has_union == "1")
    if status:
        enterprises = enterprises.filter(status=status)
    if verified in {"1", "0"}:
        enterprises = enterprises.filter(verified=verified == "1")
    return enterprises.order_by("-id")


def enterprise_autocomplete(user, q: str, limit: int = 20) -> list[Enterprise]:
    return list(enterprise_list(user, q=q)[:limit]) if normalise_text(q) else []


def _credit_code_like(text: str) -> str:
    compact = text.replace(" ", "").replace("-", "").upper()
    return compact if len(compact) == 18 and compact.isascii() and compact.isalnum() else ""


class EnterpriseMatcher:
    """Finds the registered employers that free text names (a roster's 工作单位 column).

    In order: the unified social credit code, the exact name, then the name's key
    (validators.enterprise_name_key: full-width forms, brackets, spaces and the 有限公司 /
    有限责任公司 / 股份有限公司 suffix do not matter). `match` gives, per text, the primary
    keys it may mean: one (found), several (ambiguous) or none. Among `enterprises` (the
    caller's scope); one query per call for codes and names, and the key index of all of
    them is read once, only when some text is found neither way. Texts and answers are
    remembered, so an import asks once per distinct cell.
    """

    def __init__(self, enterprises: QuerySet[Enterprise]):
        self.enterprises = enterprises
        self.known: dict[str, list[int]] = {}
        self.by_key: set[str] = set()  # texts found only through their name's key
        self.names: dict[int, str] = {}  # the registered names of what was found
        self._by_key: dict[str, list[int]] | None = None

    def match(self, texts) -> dict[str, list[int]]:
        wanted = {text for text in texts if text} - self.known.keys()
        if wanted:
            self._resolve(wanted)
        return {text: self.known.get(text, []) for text in texts if text}

    def _resolve(self, wanted: set[str]) -> None:
        codes = {text: code for text in wanted if (code := _credit_code_like(text))}
        by_code: dict[str, int] = {}
        by_name: dict[str, list[int]] = {}
        for pk, name, code in self.enterprises.filter(
            Q(name__in=wanted) | Q(credit_code__in=set(codes.values()))
        ).values_list("pk", "name", "credit_code"):
            by_name.setdefault(name, []).append(pk)
            self.names[pk] = name
            if code:
                by_code[code] = pk
        rest = set()
        for text in wanted:
            pk = by_code.get(codes.get(text, ""))
            if pk is not None:
                self.known[text] = [pk]
            elif text in by_name:
                self.known[text] = sorted(by_name[text])
            else:
                rest.add(text)
        if rest:
            index = self._key_index()
            for text in rest:
                found = self.known[text] = list(index.get(enterprise_name_key(text), ()))
                if found:
                    self.by_key.add(text)

    def _key_index(self) -> dict[str, list[int]]:
        if self._by_key is None:
            self._by_key = {}
            rows = self.enterprises.order_by().values_list("pk", "name")
            for pk, name in rows.iterator(chunk_size=5000):
                self._by_key.setdefault(enterprise_name_key(name), []).append(pk)
                self.names[pk] = name
        return self._by_key

    def add(self, pk: int, name: str, texts=()) -> None:
        """An employer created meanwhile (and the texts that now name it)."""
        self.names[pk] = name
        if self._by_key is not None:
            self._by_key.setdefault(enterprise_name_key(name), []).append(pk)
        for text in texts:
            self.known[text] = [pk]
            self.by_key.discard(text)


def home_counts(user) -> dict:
    """The org and employer counts of the user's scope, for the home page (工作台)."""
    orgs = org_scoped(user).aggregate(
        orgs=Count("id"),
        active_orgs=Count("id", filter=Q(status=OrgStatus.ACTIVE)),
        grassroots=Count("id", filter=Q(level=OrgLevel.GRASSROOTS)),
    )
    enterprises = enterprise_scoped(user).aggregate(
        enterprises=Count("id"), with_union=Count("id", filter=Q(has_union=True))
    )
    total, with_union = enterprises["enterprises"], enterprises["with_union"]
    return {
        **orgs,
        **enterprises,
        "coverage": round(100 * with_union / total, 1) if total else None,
    }
