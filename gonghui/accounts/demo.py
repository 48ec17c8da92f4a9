"""One demo account per built-in role (password in README; synthetic people only)."""

from gonghui.accounts.models import Role, RoleCode, User
from gonghui.accounts.services import role_grant, user_create
from gonghui.core.demo import DEMO_PASSWORD
from gonghui.orgs.models import Org, OrgType

# (username, full name, role, org code or a lookup)
DEMO_USERS = [
    ("county_admin", "周县管", RoleCode.COUNTY_ADMIN, "339901"),
    ("county_staff", "吴县干", RoleCode.COUNTY_STAFF, "339901"),
    ("township_staff", "郑镇干", RoleCode.TOWNSHIP_STAFF, "339901001"),
    ("grassroots_staff", "王基层", RoleCode.GRASSROOTS_STAFF, "first-enterprise-union"),
    ("social_worker", "冯社工", RoleCode.SOCIAL_WORKER, "339901001"),
    ("leader", "陈领导", RoleCode.LEADER, "339901"),
]


def _org_for(code: str) -> Org:
    if code == "first-enterprise-union":
        return (
            Org.objects.filter(type=OrgType.ENTERPRISE, code__startswith="339901001")
            .order_by("code")
            .first()
        )
    return Org.objects.get(code=code)


def seed(*, seed: int) -> str:
    created = 0
    for username, full_name, role_code, org_code in DEMO_USERS:
        org = _org_for(org_code)
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                actor=None, username=username, password=DEMO_PASSWORD, full_name=full_name, org=org
            )
            created += 1
        role_grant(actor=None, user=user, org=org, role=Role.objects.get(code=role_code))
    return f"{len(DEMO_USERS)} demo users (+{created})"
