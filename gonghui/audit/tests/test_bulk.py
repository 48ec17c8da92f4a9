"""audit_record_many: one event per object, in one INSERT, each with its object's org."""

import pytest

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.audit.services import audit_record_many
from gonghui.orgs.models import Enterprise

pytestmark = pytest.mark.django_db


def test_many_events_are_written_in_one_insert_with_their_orgs(tree, django_assert_num_queries):
    employers = [
        Enterprise.objects.create(name=f"批量审计公司{i}", org=org, credit_code=None)
        for i, org in enumerate((tree.a, tree.b, tree.a))
    ]
    with django_assert_num_queries(1):
        written = audit_record_many(
            action=AuditAction.UPDATED,
            objects=employers,
            detail_of=lambda e: {"name": e.name},
        )
    assert written == 3
    events = AuditEvent.objects.filter(object_type="orgs.Enterprise").order_by("id")
    assert [(e.object_id, e.org_id, e.detail["name"]) for e in events] == [
        (str(x.pk), x.org_id, x.name) for x in employers
    ]
    assert audit_record_many(action=AuditAction.UPDATED, objects=[]) == 0
