"""Audit events are append-only: the app cannot change them, and neither can raw SQL."""

import pytest
from django.db import DatabaseError, connection, transaction

from gonghui.audit.models import AuditAction, AuditEvent, AuditResult
from gonghui.audit.services import audit_record


def _row(pk):
    with connection.cursor() as cursor:
        cursor.execute("SELECT action, result, username FROM audit_auditevent WHERE id = %s", [pk])
        return cursor.fetchone()


@pytest.fixture
def event(db):
    return audit_record(
        action=AuditAction.LOGIN_FAILED,
        username="someone",
        result=AuditResult.FAILURE,
        detail={"reason": "bad_password"},
    )


def _raw(sql, params):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_audit_record_appends_an_event(event):
    assert _row(event.pk) == ("login_failed", "failure", "someone")
    assert AuditEvent.objects.get(pk=event.pk).detail == {"reason": "bad_password"}


def test_raw_update_is_refused_by_the_database(event):
    # when
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("UPDATE audit_auditevent SET result = 'success' WHERE id = %s", [event.pk])
    # then
    assert _row(event.pk) == ("login_failed", "failure", "someone")


def test_queryset_update_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(username="someone-else")
    assert _row(event.pk) == ("login_failed", "failure", "someone")


@pytest.mark.postgresql_only  # SQLite keeps DELETE open: its test teardown deletes rows
def test_raw_delete_is_refused_by_postgresql(event):
    # when
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    # then
    assert _row(event.pk) == ("login_failed", "failure", "someone")


@pytest.mark.postgresql_only
def test_truncate_is_refused_by_postgresql(event):
    # when
    with pytest.raises(DatabaseError, match=r"append-only \(TRUNCATE\)"):
        _raw("TRUNCATE audit_auditevent", [])
    # then
    assert _row(event.pk) == ("login_failed", "failure", "someone")


@pytest.mark.postgresql_only
def test_truncate_together_with_other_tables_is_refused_and_empties_none(event):
    # given a row in another table
    from gonghui.orgs.models import Org

    orgs = Org.objects.count()
    # when
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("TRUNCATE orgs_org, audit_auditevent CASCADE", [])
    # then
    assert _row(event.pk) == ("login_failed", "failure", "someone")
    assert Org.objects.count() == orgs


@pytest.mark.postgresql_only
def test_postgresql_refusal_is_an_insufficient_privilege_error(event):
    from django.db.utils import ProgrammingError

    with pytest.raises(ProgrammingError) as excinfo:
        _raw("UPDATE audit_auditevent SET username = '' WHERE id = %s", [event.pk])
    assert excinfo.value.__cause__.sqlstate == "42501"


def test_saving_an_existing_event_raises_and_changes_nothing(event):
    # given
    event.result = AuditResult.SUCCESS
    # when
    with pytest.raises(PermissionError, match="审计事件只能追加，不能修改"):
        event.save()
    # then
    assert _row(event.pk) == ("login_failed", "failure", "someone")


def test_deleting_an_event_raises_and_changes_nothing(event):
    with pytest.raises(PermissionError, match="审计事件只能追加，不能删除"):
        event.delete()
    assert _row(event.pk) == ("login_failed", "failure", "someone")
    assert AuditEvent.objects.count() == 1


def test_audit_detail_renders_chinese_labels():
    from gonghui.audit.templatetags.audit_tags import audit_detail

    assert (
        audit_detail({"reason": "bad_password", "failures": 3}) == "原因：密码错误；连续失败次数：3"
    )
    # field names are labelled from the event's model (test_detail_labels.py); bare, by key
    assert audit_detail({"changed": ["name"], "masked": True}) == "修改字段：名称；已脱敏：是"
    assert audit_detail({}) == ""
