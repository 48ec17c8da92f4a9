"""The county a workforce record belongs to, and who may set the county's rules.

Every configurable rule of the module (title rules, barred-year rules, the studio standards,
the mentorship allowance and reward) is owned by a county federation and set by its admins
(role `county_admin` held at the county federation or above), like the 低保 standard.
"""

from gonghui.core.errors import PermissionDenied
from gonghui.core.modules import Action
from gonghui.core.scope import role_assignments, scope_roots
from gonghui.orgs.models import Org, OrgLevel
from gonghui.workforce.choices import MODULE

COUNTY_ADMIN_ROLE = "county_admin"
NOT_COUNTY_ADMIN = "只有县总工会管理员可以修改产业工人工作的规则设置。"


def county_of(org: Org | None) -> Org | None:
    """The county federation whose area holds org (org itself when it is one); None above
    the county or outside any."""
    if org is None:
        return None
    if org.level == OrgLevel.COUNTY:
        return org
    ids = org.ancestor_ids()
    if not ids:
        return None
    return Org.objects.filter(pk__in=ids, level=OrgLevel.COUNTY).first()


def is_county_admin(actor, county: Org | None) -> bool:
    """The actor holds the county admin role at the county federation or above."""
    if county is None or actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    for assignment in role_assignments(actor):
        org = assignment.org
        if (
            assignment.role.code == COUNTY_ADMIN_ROLE
            and org.is_active
            and org.level <= OrgLevel.COUNTY
            and county.path.startswith(org.path)
        ):
            return True
    return False


def require_county_admin(actor, county: Org | None) -> None:
    if actor is None:
        return  # the system itself (seeders, migrations)
    if not is_county_admin(actor, county):
        raise PermissionDenied(NOT_COUNTY_ADMIN)


def counties_administered(actor) -> list[Org]:
    """The county federations whose rules the actor may set (org-code order)."""
    if actor is None or not actor.is_authenticated:
        return []
    paths = [
        a.org.path
        for a in role_assignments(actor)
        if a.role.code == COUNTY_ADMIN_ROLE and a.org.is_active and a.org.level <= OrgLevel.COUNTY
    ]
    if not paths:
        return []
    from gonghui.core.scope import scope_q

    return list(Org.objects.filter(scope_q(paths, "path"), level=OrgLevel.COUNTY).order_by("code"))


def counties_for(orgs) -> dict[int, Org | None]:
    """{org id: its county federation or None} for several orgs in one query."""
    orgs = list(orgs)
    wanted: set[int] = set()
    for org in orgs:
        wanted.update(org.ancestor_ids())
        wanted.add(org.pk)
    counties = (
        {c.pk: c for c in Org.objects.filter(pk__in=wanted, level=OrgLevel.COUNTY)}
        if wanted
        else {}
    )
    result: dict[int, Org | None] = {}
    for org in orgs:
        chain = [*org.ancestor_ids(), org.pk]
        result[org.pk] = next((counties[i] for i in reversed(chain) if i in counties), None)
    return result


def settings_county(actor, wanted: int | None = None) -> tuple[Org | None, bool, list[Org]]:
    """(the county whose rules the actor sees, whether they may change them, the counties
    they administer). A county admin gets the one asked for among theirs (else the first);
    anyone else the county of their scope, read-only."""
    administered = counties_administered(actor)
    if administered:
        county = next((c for c in administered if c.pk == wanted), administered[0])
        return county, True, administered
    for root in scope_roots(actor, MODULE, Action.VIEW):
        county = county_of(Org.objects.get(pk=root.org_id))
        if county is not None:
            return county, False, []
    return None, False, []
