"""Writes for the org tree and employers. Each checks scope, validates, audits."""

import re

from django.apps import apps
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, ProtectedError, Subquery, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from gonghui.audit.services import AuditAction, audit_record
from gonghui.core.errors import Conflict, NotFound, ValidationFailed
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope
from gonghui.core.text import normalise_text
from gonghui.orgs.models import (
    Enterprise,
    EnterpriseStatus,
    Org,
    OrgLevel,
    OrgOwned,
    OrgStatus,
    OrgType,
)
from gonghui.orgs.validators import credit_code_clean, division_code_clean

ORG_EDITABLE_FIELDS = (
    "name",
    "short_name",
    "type",
    "level",
    "division_code",
    "chair_name",
    "contact_phone",
    "address",
    "founded_on",
)


def _require_edit(actor, org) -> None:
    """Out of scope answers as if the org did not exist (404), never 403."""
    if actor is not None and not org_in_scope(actor, "orgs", Action.EDIT, org):
        raise NotFound()


_PHONE_RE = re.compile(r"^[0-9][0-9\-]{6,19}$")


def _org_validate(
    *, name: str, type: str, level: int, division_code: str, parent, contact_phone: str = ""
) -> dict:
    fields: dict[str, list[str]] = {}
    if not name:
        fields["name"] = ["请填写组织名称。"]
    if type not in OrgType.values:
        fields["type"] = ["请选择组织类型。"]
    if level not in OrgLevel.values:
        fields["level"] = ["请选择层级。"]
    elif parent is not None and level <= parent.level:
        fields["level"] = [f"层级必须低于上级组织({parent.get_level_display()})。"]
    try:
        division_code_clean(division_code)
    except ValueError as exc:
        fields["division_code"] = [str(exc)]
    if contact_phone and not _PHONE_RE.match(contact_phone):
        fields["contact_phone"] = ["办公电话格式不正确，如 0571-88886666 或 13800001234。"]
    return fields


def _org_errors(
    *,
    parent: Org | None,
    instance: Org | None,
    name,
    type,
    level,
    division_code,
    contact_phone,
    code: str = "",
) -> dict[str, list[str]]:
    """Every field message of an org's create (instance None) or update."""
    name = normalise_text(name)
    fields = _org_validate(
        name=name,
        type=type,
        level=level,
        division_code=division_code or "",
        parent=parent,
        contact_phone=normalise_text(contact_phone),
    )
    twins = Org.objects.filter(parent=parent, name=name)
    if instance is not None:
        twins = twins.exclude(pk=instance.pk)
    if name and twins.exists():
        fields.setdefault("name", []).append("同一上级组织下已有同名组织。")
    if instance is None and code and Org.objects.filter(code=code).exists():
        fields.setdefault("code", []).append("该组织编码已被使用。")
    if instance is not None and isinstance(level, int):
        child_levels = instance.children.values_list("level", flat=True)
        if any(child <= level for child in child_levels):
            fields.setdefault("level", []).append("层级必须高于其下级组织。")
    return fields


def org_validate(*, actor, parent: Org | None = None, org: Org | None = None, **values) -> None:
    """The field checks of org_create (parent) or org_update (org), without writing: raises
    ValidationFailed with every field's message (for a form whose own fields failed)."""
    if org is not None:
        values = {f: values.get(f, getattr(org, f)) for f in ORG_EDITABLE_FIELDS}
        parent = org.parent
    fields = _org_errors(
        parent=parent,
        instance=org,
        name=values.get("name"),
        type=values.get("type"),
        level=values.get("level"),
        division_code=values.get("division_code"),
        contact_phone=values.get("contact_phone"),
        code=normalise_text(values.get("code")).replace(" ", ""),
    )
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)


def enterprise_validate(*, actor, enterprise: Enterprise | None = None, **values) -> None:
    """The field checks of enterprise_create / enterprise_update, without writing."""
    if enterprise is not None:
        values = {**{f: getattr(enterprise, f) for f in ENTERPRISE_FIELDS}, **values}
    _enterprise_clean(actor, values, enterprise)


def _next_child_code(parent: Org) -> str:
    taken = set(
        Org.objects.filter(parent=parent, code__startswith=parent.code).values_list(
            "code", flat=True
        )
    )
    for n in range(1, 100000):
        candidate = f"{parent.code}{n:03d}"
        if candidate not in taken and not Org.objects.filter(code=candidate).exists():
            return candidate
    raise Conflict("无法生成组织编码，请手动填写。")


@transaction.atomic
def org_create(
    *,
    actor,
    parent: Org | None,
    name: str,
    type: str,
    level: int,
    code: str = "",
    short_name: str = "",
    division_code: str = "",
    chair_name: str = "",
    contact_phone: str = "",
    address: str = "",
    founded_on=None,
) -> Org:
    """Create an org under parent. Only the CLI/seed (actor=None) may create a root."""
    name, code = normalise_text(name), normalise_text(code).replace(" ", "")
    if parent is None and actor is not None:
        raise ValidationFailed("请选择上级组织。", fields={"parent": ["请选择上级组织。"]})
    if parent is not None:
        _require_edit(actor, parent)
        if not parent.is_active:
            raise ValidationFailed(
                "上级组织已撤销，不能在其下新建组织。", fields={"parent": ["上级组织已撤销。"]}
            )
    fields = _org_errors(
        parent=parent,
        instance=None,
        name=name,
        type=type,
        level=level,
        division_code=division_code,
        contact_phone=contact_phone,
        code=code,
    )
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)
    org = Org.objects.create(
        name=name,
        short_name=normalise_text(short_name),
        code=code or (_next_child_code(parent) if parent else "ROOT"),
        parent=parent,
        path="",
        depth=(parent.depth + 1) if parent else 0,
        type=type,
        level=level,
        division_code=division_code_clean(division_code),
        chair_name=normalise_text(chair_name),
        contact_phone=contact_phone,
        address=normalise_text(address),
        founded_on=founded_on,
    )
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.anchor_id = _anchor_id_for(parent, level, org.pk)
    Org.objects.filter(pk=org.pk).update(path=org.path, anchor_id=org.anchor_id)
    audit_record(action=AuditAction.CREATED, user=actor, org=org, obj=org)
    return org


@transaction.atomic
def org_update(*, actor, org: Org, version: int | None = None, **changes) -> Org:
    """Edit an org's attributes. `version` guards against two people overwriting each other."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    _require_edit(actor, org)
    if version is not None and version != org.version:
        raise Conflict("该组织已被他人修改，请刷新后重试。", code="stale_version")
    unknown = set(changes) - set(ORG_EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    for key in ("name", "short_name", "chair_name", "address"):
        if key in changes:
            changes[key] = normalise_text(changes[key])
    merged = {f: changes.get(f, getattr(org, f)) for f in ORG_EDITABLE_FIELDS}
    fields = _org_errors(
        parent=org.parent,
        instance=org,
        **{f: merged[f] for f in ("name", "type", "level", "division_code", "contact_phone")},
    )
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)
    merged["division_code"] = division_code_clean(merged["division_code"])
    changed = [f for f in ORG_EDITABLE_FIELDS if getattr(org, f) != merged[f]]
    if not changed:
        return org
    for f in ORG_EDITABLE_FIELDS:
        setattr(org, f, merged[f])
    org.version = F("version") + 1
    org.save()
    org.refresh_from_db()
    if "level" in changed:
        org_anchor_sync(org)
        org.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATED, user=actor, org=org, obj=org, detail={"changed": changed}
    )
    return org


@transaction.atomic
def org_move(*, actor, org: Org, new_parent: Org) -> Org:
    """Move org and its whole subtree under new_parent (both sides must be in scope)."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    _require_edit(actor, org)
    _require_edit(actor, new_parent)
    if org.parent_id is None:
        raise ValidationFailed("不能移动根组织。")
    if new_parent.pk == org.pk or new_parent.path.startswith(org.path):
        raise ValidationFailed(
            "不能把组织移动到它自己或它的下级组织之下。",
            code="move_into_own_subtree",
            fields={"new_parent": ["不能移动到自身或下级组织之下。"]},
        )
    if not new_parent.is_active:
        raise ValidationFailed(
            "目标上级组织已撤销。", fields={"new_parent": ["目标上级组织已撤销。"]}
        )
    if org.level <= new_parent.level:
        raise ValidationFailed(
            f"目标上级组织的层级({new_parent.get_level_display()})必须高于本组织。",
            fields={"new_parent": ["层级不符。"]},
        )
    if Org.objects.filter(parent=new_parent, name=org.name).exists():
        raise ValidationFailed(
            "目标上级组织下已有同名组织。", fields={"new_parent": ["有同名组织。"]}
        )
    old_path, old_parent = org.path, org.parent
    new_path = f"{new_parent.path}{org.pk}/"
    depth_delta = new_parent.depth + 1 - org.depth
    Org.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_delta,
    )
    Org.objects.filter(pk=org.pk).update(parent=new_parent, version=F("version") + 1)
    org.refresh_from_db()
    org_anchor_sync(org)
    org.refresh_from_db()
    audit_record(
        action=AuditAction.MOVED,
        user=actor,
        org=org,
        obj=org,
        detail={
            "from": old_parent.name,
            "from_id": old_parent.pk,
            "to": new_parent.name,
            "to_id": new_parent.pk,
        },
    )
    return org


def _anchor_id_for(parent: Org | None, level: int, org_id: int) -> int | None:
    """Inherit the parent's anchor; else an org at township level or below anchors itself."""
    if parent is not None and parent.anchor_id is not None:
        return parent.anchor_id
    return org_id if level >= OrgLevel.TOWNSHIP else None


def org_anchor_sync(root: Org) -> int:
    """Recompute anchors in root's subtree and copy them onto every org-owned row there.

    Runs after a move or a level change; returns the number of orgs whose anchor changed.
    """
    subtree = list(
        Org.objects.filter(path__startswith=root.path)
        .order_by("depth")
        .only("pk", "parent_id", "level", "anchor_id", "path", "depth")
    )
    by_id = {org.pk: org for org in subtree}
    parent = Org.objects.filter(pk=root.parent_id).first() if root.parent_id else None
    changed = []
    for org in subtree:
        org_parent = by_id.get(org.parent_id, parent if org.pk == root.pk else None)
        anchor_id = _anchor_id_for(org_parent, org.level, org.pk)
        if anchor_id != org.anchor_id:
            org.anchor_id = anchor_id
            changed.append(org)
    if changed:
        Org.objects.bulk_update(changed, ["anchor_id"], batch_size=1000)
        subtree_ids = Org.objects.filter(path__startswith=root.path).values("pk")
        for model in apps.get_models():
            if issubclass(model, OrgOwned):
                model.objects.filter(org__in=subtree_ids).update(
                    org_anchor=Subquery(
                        Org.objects.filter(pk=OuterRef("org_id")).values("anchor_id")[:1]
                    )
                )
    return len(changed)


def org_owned_record_count(org: Org) -> int:
    """Records of any org-owned model that belong to this org (not its subtree)."""
    total = 0
    for model in apps.get_models():
        if issubclass(model, OrgOwned):
            total += model.objects.filter(org=org).count()
    return total


@transaction.atomic
def org_deactivate(*, actor, org: Org, reason: str) -> Org:
    """Deactivate (撤销) an org. Its records stay; it can no longer receive new ones."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    _require_edit(actor, org)
    reason = normalise_text(reason)
    if not reason:
        raise ValidationFailed("请填写撤销原因。", fields={"reason": ["请填写撤销原因。"]})
    if not org.is_active:
        raise ValidationFailed("该组织已是撤销状态。")
    if org.parent_id is None:
        raise ValidationFailed("不能撤销根组织。")
    active_children = org.children.filter(status=OrgStatus.ACTIVE).count()
    if active_children:
        raise ValidationFailed(
            f"该组织下还有 {active_children} 个未撤销的下级组织，请先移动或撤销它们。"
        )
    org.status = OrgStatus.INACTIVE
    org.deactivated_at = timezone.now()
    org.deactivation_reason = reason
    org.version = F("version") + 1
    org.save()
    org.refresh_from_db()
    audit_record(
        action=AuditAction.DEACTIVATED, user=actor, org=org, obj=org, detail={"reason": reason}
    )
    return org


@transaction.atomic
def org_reactivate(*, actor, org: Org) -> Org:
    org = Org.objects.select_for_update().get(pk=org.pk)
    _require_edit(actor, org)
    if org.is_active:
        return org
    if org.parent and not org.parent.is_active:
        raise ValidationFailed("上级组织已撤销，请先恢复上级组织。")
    org.status, org.deactivated_at, org.deactivation_reason = OrgStatus.ACTIVE, None, ""
    org.version = F("version") + 1
    org.save()
    org.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATED, user=actor, org=org, obj=org, detail={"reactivated": True}
    )
    return org


@transaction.atomic
def org_delete(*, actor, org: Org) -> None:
    """Hard-delete only an org created by mistake: no children, records, users or roles."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    _require_edit(actor, org)
    blockers = []
    if org.children.exists():
        blockers.append("下级组织")
    if org_owned_record_count(org) or Enterprise.objects.filter(union=org).exists():
        blockers.append("业务记录")
    if org.users.exists() or org.role_assignments.exists():
        blockers.append("用户或角色")
    if blockers:
        raise ValidationFailed(
            f"该组织下有{'、'.join(blockers)}，不能删除，只能撤销。", code="org_owns_records"
        )
    audit_record(
        action=AuditAction.DELETED,
        user=actor,
        org=org.parent,
        obj=org,
        detail={"name": org.name, "code": org.code},
    )
    try:
        org.delete()
    except ProtectedError as exc:  # history that is not org-owned: a member's past union
        raise ValidationFailed(
            "该组织下有业务记录，不能删除，只能撤销。", code="org_owns_records"
        ) from exc


# --- employers -------------------------------------------------------------------

ENTERPRISE_FIELDS = (
    "name",
    "credit_code",
    "industry",
    "size",
    "economic_type",
    "employee_count",
    "has_union",
    "union",
    "org",
    "division_code",
    "address",
    "legal_representative",
    "contact_name",
    "contact_phone",
    "status",
)


def _enterprise_clean(actor, data: dict, instance: Enterprise | None) -> dict:
    from gonghui.core.crypto import keyed_hash
    from gonghui.orgs.models import EconomicType, EnterpriseSize, Industry

    fields: dict[str, list[str]] = {}
    data = dict(data)
    data["name"] = normalise_text(data.get("name"))
    if not data["name"]:
        fields["name"] = ["请填写单位名称。"]
    try:
        data["credit_code"] = credit_code_clean(data.get("credit_code") or "")
    except ValueError as exc:
        fields["credit_code"] = [str(exc)]
    else:
        clash = Enterprise.objects.filter(credit_code=data["credit_code"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            fields["credit_code"] = ["该统一社会信用代码已登记。"]
    for key, choices, label in (
        ("industry", Industry, "行业"),
        ("size", EnterpriseSize, "规模"),
        ("economic_type", EconomicType, "经济类型"),
        ("status", EnterpriseStatus, "状态"),
    ):
        if data.get(key) not in choices.values:
            fields[key] = [f"请选择{label}。"]
    if data.get("employee_count") is None or int(data["employee_count"]) < 0:
        fields["employee_count"] = ["职工人数应为不小于 0 的整数。"]
    try:
        data["division_code"] = division_code_clean(data.get("division_code") or "")
    except ValueError as exc:
        fields["division_code"] = [str(exc)]
    org = data.get("org")
    if org is None:
        fields["org"] = ["请选择覆盖该单位的工会组织。"]
    elif actor is not None and not org_in_scope(actor, "orgs", Action.EDIT, org):
        fields["org"] = ["所选工会组织不在您的管理范围内。"]
    elif not org.is_active:
        fields["org"] = ["所选工会组织已撤销。"]
    union = data.get("union")
    union_changed = instance is None or union != instance.union
    if union is not None:
        data["has_union"] = True  # an enterprise with its own union has, by definition, one
    # An existing link to a union outside the editor's scope may stay; a new one may not.
    if (
        union is not None
        and union_changed
        and actor is not None
        and not org_in_scope(actor, "orgs", Action.EDIT, union)
    ):
        fields["union"] = ["所选单位工会不在您的管理范围内。"]
    phone = normalise_text(data.get("contact_phone")).replace(" ", "").replace("-", "")
    if phone and not (phone.isdigit() and 7 <= len(phone) <= 12):
        fields["contact_phone"] = ["联系电话格式不正确(7–12 位数字)。"]
    data["contact_phone"] = phone
    data["contact_phone_hash"] = keyed_hash(phone) if phone else ""
    for key in ("address", "legal_representative", "contact_name"):
        data[key] = normalise_text(data.get(key))
    if fields:
        raise ValidationFailed("请检查填写的内容。", fields=fields)
    return data


@transaction.atomic
def enterprise_create(*, actor, **data) -> Enterprise:
    unknown = set(data) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    data.setdefault("status", EnterpriseStatus.ACTIVE)
    data.setdefault("economic_type", "private")
    cleaned = _enterprise_clean(actor, data, None)
    try:
        with transaction.atomic():
            enterprise = Enterprise.objects.create(**cleaned)
    except IntegrityError as exc:
        raise ValidationFailed(
            "该统一社会信用代码已登记。", fields={"credit_code": ["该统一社会信用代码已登记。"]}
        ) from exc
    audit_record(action=AuditAction.CREATED, user=actor, org=enterprise.org, obj=enterprise)
    return enterprise


@transaction.atomic
def enterprise_update(
    *, actor, enterprise: Enterprise, version: int | None = None, **changes
) -> Enterprise:
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if actor is not None and not org_in_scope(actor, "orgs", Action.EDIT, enterprise.org):
        raise NotFound()
    if version is not None and version != enterprise.version:
        raise Conflict("该单位信息已被他人修改，请刷新后重试。", code="stale_version")
    unknown = set(changes) - set(ENTERPRISE_FIELDS)
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    current = {f: getattr(enterprise, f) for f in ENTERPRISE_FIELDS}
    cleaned = _enterprise_clean(actor, {**current, **changes}, enterprise)
    changed = [f for f in ENTERPRISE_FIELDS if cleaned[f] != current[f]]
    # An unverified employer (created by name from an import) is verified by completing its
    # record: _enterprise_clean has just required its credit code, industry and size.
    verifying = not enterprise.verified
    if not changed and not verifying:
        return enterprise
    for key, value in cleaned.items():
        setattr(enterprise, key, value)
    enterprise.verified = True
    enterprise.version = F("version") + 1
    try:
        with transaction.atomic():
            enterprise.save()
    except IntegrityError as exc:
        raise ValidationFailed(
            "该统一社会信用代码已登记。", fields={"credit_code": ["该统一社会信用代码已登记。"]}
        ) from exc
    enterprise.refresh_from_db()
    audit_record(
        action=AuditAction.UPDATED,
        user=actor,
        org=enterprise.org,
        obj=enterprise,
        detail={"changed": changed, **({"verified": True} if verifying else {})},
    )
    return enterprise


UNVERIFIED_NAME_MAX = 150


@transaction.atomic
def enterprises_create_unverified(
    *, actor, org: Org, names: list[str], source: dict | None = None
) -> list[Enterprise]:
    """Employers known only by name (a roster's 工作单位 that matched no registered one),
    created unverified (待核实) under `org`, which covers them until someone completes and
    verifies each record. One per name, in the given order; each creation is audited, with
    `source` (e.g. {"import_job": 12}) in its detail."""
    if actor is not None and not org_in_scope(actor, "orgs", Action.EDIT, org):
        raise NotFound()
    if not org.is_active:
        raise ValidationFailed("所选工会组织已撤销。", fields={"org": ["所选工会组织已撤销。"]})
    cleaned = []
    for name in names:
        name = normalise_text(name)
        if not name or len(name) > UNVERIFIED_NAME_MAX:
            raise ValidationFailed(f"单位名称“{name[:20]}”为空或超过 {UNVERIFIED_NAME_MAX} 个字。")
        cleaned.append(name)
    created = Enterprise.objects.bulk_create(
        [
            Enterprise(
                org=org,
                org_anchor_id=org.anchor_id,
                name=name,
                credit_code=None,
                industry="",
                size="",
                verified=False,
            )
            for name in cleaned
        ]
    )
    for enterprise in created:
        audit_record(
            action=AuditAction.CREATED,
            user=actor,
            org=org,
            obj=enterprise,
            detail={"name": enterprise.name, "unverified": True, **(source or {})},
        )
    return created
