"""What the rights sub-domains share: the module code, today's date, scope checks for writes,
the audit call, optimistic versions and a few date helpers. No layers here."""

import calendar
import datetime

from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope

MODULE = "rights"
MAX_AMOUNT = 100_000_000


def today() -> datetime.date:
    return timezone.localdate()


def require_scope(actor, org, action: str = Action.EDIT) -> None:
    """Writes by a user: the target org must lie in their scope (else it looks missing).
    `actor=None` is the system (seeders, the daily run, the portal)."""
    if actor is not None and not org_in_scope(actor, MODULE, action, org):
        raise NotFound()


def county_of(org):
    """The county federation above (or at) an org, from its path; None above the counties."""
    from gonghui.orgs.models import Org, OrgLevel

    if org is None:
        return None
    if org.level == OrgLevel.COUNTY:
        return org
    return Org.objects.filter(pk__in=org.ancestor_ids(), level=OrgLevel.COUNTY).first()


def county_of_user(user, action: str = Action.VIEW):
    """The user's county federation. NotFound (it looks missing) when they have none, or, for
    a change (`Action.EDIT`), when their edit scope does not cover it: what acts for the whole
    county (its settings, the installation-wide reminder run) is not for a township's staff."""
    county = county_of(user.org) if user.org_id else None
    if county is None:
        raise NotFound()
    if action == Action.EDIT:
        require_scope(user, county)
    return county


def version_check(obj, version: int | None) -> None:
    if version is not None and int(version) != obj.version:
        raise Conflict("该记录已被他人修改，请刷新页面后重新填写。", code="stale_version")


def bump(obj) -> None:
    obj.version += 1


def audit(actor, action: str, obj, **detail) -> None:
    audit_record(action=action, user=actor, obj=obj, detail=detail)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier); the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


def add_years(day: datetime.date, years: int) -> datetime.date:
    return add_months(day, 12 * years)


def not_in_future(errors, day, field: str, label: str) -> None:
    if day is not None and day > today():
        errors.add(field, f"{label}不能晚于今天。")


def required(errors, values: dict, labels: dict[str, str]) -> None:
    for field, label in labels.items():
        value = values.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            errors.add(field, f"请填写{label}。")


def fail(field: str, message: str):
    raise ValidationFailed(message, fields={field: [message]})


__all__ = [
    "MODULE",
    "Action",
    "AuditAction",
    "add_months",
    "add_years",
    "audit",
    "bump",
    "county_of",
    "fail",
    "not_in_future",
    "require_scope",
    "required",
    "today",
    "version_check",
]
