"""Permission-matrix entries for the audit log pages."""

from gonghui.audit.models import AuditAction
from gonghui.audit.services import audit_record
from gonghui.core.testing.matrix import Endpoint, Targets, json_text, xlsx_text


def _events(tree, actor):
    def event(org, label):
        return audit_record(
            action=AuditAction.UPDATED, org=org, detail={"marker": label}, username=label
        )

    return Targets(
        own=event(tree.a1, "marker-own-a1"),
        sibling=event(tree.b1, "marker-sibling-b1"),
        parent=event(tree.county, "marker-parent-county"),
    )


ENDPOINTS = [
    Endpoint(
        "audit.list",
        "GET",
        "audit",
        "view",
        lambda t: "/audit/",
        _events,
        marker=lambda e: e.username,
        scoped=False,
    ),
    Endpoint(
        "audit.export",
        "GET",
        "audit",
        "export",
        lambda t: "/audit/export/",
        _events,
        marker=lambda e: e.username,
        scoped=False,
        extra={"extract": xlsx_text},
    ),
]


ENDPOINTS += [
    Endpoint(
        "api.audit.list",
        "GET",
        "audit",
        "view",
        lambda t: "/api/v1/audit-events?limit=200",
        _events,
        api=True,
        marker=lambda e: e.username,
        scoped=False,
        extra={"extract": json_text},
    ),
]
