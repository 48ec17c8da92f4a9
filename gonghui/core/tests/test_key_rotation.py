"""Data-key rotation (`gonghui rotate-data-key`): every encrypted value and keyed hash moves to
the new key; lookups and uniqueness hold throughout; an interrupted run resumes."""

import base64
import io
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core import crypto, rotation
from gonghui.core.errors import ValidationFailed
from gonghui.core.models import KeyRotation, KeyRotationHash
from gonghui.members.models import Member
from gonghui.members.selectors import member_search_q
from gonghui.members.tests.factories import build_member, make_id_number
from gonghui.testing import seeding


def _fresh_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


@pytest.fixture
def keys(settings):
    """(old, new): the data as it stands is under `old`; call rotate_to() to configure both."""
    old, new = settings.DATA_KEY, _fresh_key()
    crypto.lookup_key_forget()
    yield old, new
    crypto.lookup_key_forget()


def _configure(settings, *, current, old=""):
    settings.DATA_KEY, settings.DATA_KEY_OLD = current, old
    crypto.lookup_key_forget()


def _found(number: str) -> list[int]:
    return list(Member.objects.filter(member_search_q(number)).values_list("pk", flat=True))


def _under_old_key(raw: str) -> bool:
    return crypto.decrypt_rekey(raw)[1]


def _raw_member(pk) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number, id_number_hash FROM members_member WHERE id = %s", [pk])
        return cursor.fetchone()


def _rotate(*args) -> str:
    out = io.StringIO()
    call_command("rotate-data-key", *args, stdout=out)
    return out.getvalue()


def test_lookups_and_uniqueness_hold_throughout_a_rotation(tree, settings, keys):
    from gonghui.assistance.monitoring.tests.factories import disaster

    old, new = keys
    # given members under the old key, one with a disaster on record
    members = [build_member(org=tree.a1, phone=f"1390000{i:04d}") for i in range(5)]
    fact = disaster(members[2])
    # when the new key is configured and the first batch of members is re-encrypted
    _configure(settings, current=new, old=old)
    started, created = rotation.rotation_start()
    spec = next(s for s in rotation.encrypted_models() if s.model is Member)
    assert rotation.rotation_batch(started, spec, 2) == 2
    # then the batch is under the new key and the rest still under the old one
    assert [_under_old_key(_raw_member(m.pk)[0]) for m in members] == [False] * 2 + [True] * 3
    # and every member is found by ID number and phone, rotated or not
    for member in members:
        assert _found(member.id_number) == [member.pk]
        assert _found(member.phone) == [member.pk]
    # and nobody can join twice, rotated or not
    for member in (members[0], members[4]):
        with pytest.raises(ValidationFailed):
            build_member(org=tree.b1, id_number=member.id_number)
    # and a member registered meanwhile is sealed with the new key, hashed with the old one
    late = build_member(org=tree.a1, id_number=make_id_number(), phone="13900009999")
    raw, stored_hash = _raw_member(late.pk)
    assert not _under_old_key(raw)
    assert stored_hash == crypto.keyed_hash_with(late.id_number, old)
    assert _found(late.id_number) == [late.pk]
    # when the rotation runs to its end
    output = _rotate("--batch-size", "3")
    # then every hash is under the new key, the map is gone, and lookups use the new key
    assert "继续轮换数据密钥" in output and "轮换完成" in output
    assert crypto.lookup_key() == new
    assert KeyRotationHash.objects.count() == 0
    for member in [*members, late]:
        raw, stored_hash = _raw_member(member.pk)
        assert not _under_old_key(raw)
        assert stored_hash == crypto.keyed_hash_with(member.id_number, new)
        assert _found(member.id_number) == [member.pk]
        assert _found(member.phone) == [member.pk]
    fact.refresh_from_db()
    assert fact.id_number_hash == crypto.keyed_hash_with(members[2].id_number, new)
    with pytest.raises(ValidationFailed):
        build_member(org=tree.b1, id_number=members[3].id_number)
    # and the old key is no longer needed to read anything
    _configure(settings, current=new)
    assert [Member.objects.get(pk=m.pk).id_number for m in members] == [
        m.id_number for m in members
    ]
    stages = [
        e.detail["phase"]
        for e in AuditEvent.objects.filter(action=AuditAction.DATA_KEY_ROTATION).order_by("id")
    ]
    assert stages == ["start", "resume", "finish"]
    done = KeyRotation.objects.get()
    assert done.finished_at is not None
    assert (done.old_fingerprint, done.new_fingerprint) == (
        crypto.key_fingerprint(old),
        crypto.key_fingerprint(new),
    )


def test_a_finished_rotation_says_so_and_changes_nothing(tree, settings, keys):
    old, new = keys
    member = build_member(org=tree.a1)
    _configure(settings, current=new, old=old)
    _rotate()
    before = _raw_member(member.pk)
    assert "本次轮换已于" in _rotate()
    assert _raw_member(member.pk) == before


def test_rotation_explains_a_missing_or_unchanged_old_key(db, settings, keys):
    old, new = keys
    _configure(settings, current=new)
    with pytest.raises(CommandError, match="请把旧密钥设为 GONGHUI_DATA_KEY_OLD"):
        _rotate()
    _configure(settings, current=old, old=old)
    with pytest.raises(CommandError, match="GONGHUI_DATA_KEY_OLD 与 GONGHUI_DATA_KEY 相同"):
        _rotate()
    assert KeyRotation.objects.count() == 0


def test_rotation_refuses_a_value_neither_key_opens_and_writes_nothing(tree, settings, keys):
    old, new = keys
    member = build_member(org=tree.a1)
    before = _raw_member(member.pk)
    _configure(settings, current=new, old=_fresh_key())  # not the key the data is under
    with pytest.raises(CommandError, match="members.Member 中有一个值既不能用 GONGHUI_DATA_KEY"):
        _rotate()
    assert _raw_member(member.pk) == before
    assert KeyRotation.objects.get().progress.get("members.Member") is None


def test_a_second_rotation_waits_for_the_first(tree, settings, keys):
    old, new = keys
    build_member(org=tree.a1)
    _configure(settings, current=new, old=old)
    _rotate("--no-finish")
    _configure(settings, current=_fresh_key(), old=new)
    with pytest.raises(CommandError, match="另一次密钥轮换.*尚未完成"):
        _rotate()


@pytest.mark.postgresql_only
def test_re_keying_the_hashes_waits_until_the_app_is_stopped(tree, settings, keys):
    import psycopg

    old, new = keys
    member = build_member(org=tree.a1)
    _configure(settings, current=new, old=old)
    db = connection.settings_dict
    app = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=connection.settings_dict["NAME"]
    )
    try:
        with pytest.raises(CommandError, match="数据库上还有 1 个其他连接") as excinfo:
            _rotate()
        assert "请停止网站和后台任务进程，再运行一次本命令" in str(excinfo.value)
    finally:
        app.close()
    # the values are re-encrypted, the hashes not yet: lookups still use the old key
    raw, stored_hash = _raw_member(member.pk)
    assert not _under_old_key(raw) and stored_hash == crypto.keyed_hash_with(member.id_number, old)
    assert crypto.lookup_key() == old
    assert _found(member.id_number) == [member.pk]


# --- a seeded database, a run killed half-way, resumed ----------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _stop_other_sessions() -> None:
    """What the operator does before the hash switch: stop every other process on the database.

    The killed rotation's session ends on its own; what may remain are idle connections that
    threads of earlier tests in this worker (a live server, an import heartbeat) left open.
    """
    import time

    for _ in range(50):
        if rotation.other_sessions() == 0:
            return
        time.sleep(0.1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND backend_type = 'client backend'"
        )
    for _ in range(50):
        if rotation.other_sessions() == 0:
            return
        time.sleep(0.1)
    raise AssertionError("other sessions on the test database did not end")


@pytest.mark.django_db(transaction=True)
def test_an_interrupted_rotation_of_a_seeded_database_resumes_and_rekeys_everything(settings, keys):
    old, new = keys
    # given a seeded database with a value in every encrypted field
    seeding.seed_small_demo()
    plain = seeding.encrypted_values()
    assert seeding.every_encrypted_field_filled(plain) == []
    hashes = seeding.stored_hashes()
    # when a rotation, in batches of 10, is killed (SIGKILL) after a few batches
    gonghui = [sys.executable, str(Path(sys.executable).with_name("gonghui"))]
    env = {
        **os.environ,
        "GONGHUI_DATABASE_URL": _database_url(),
        "GONGHUI_DATA_KEY": new,
        "GONGHUI_DATA_KEY_OLD": old,
        "PYTHONUNBUFFERED": "1",
    }
    process = subprocess.Popen(
        [*gonghui, "rotate-data-key", "--batch-size", "10", "--no-finish"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    batches = 0
    for line in process.stdout:
        batches += "已处理" in line
        if batches == 6:
            process.send_signal(signal.SIGKILL)
            break
    process.wait()
    process.stdout.close()
    process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    _configure(settings, current=new, old=old)
    _stop_other_sessions()
    # then the committed batches are under the new key, the rest under the old one
    raw = seeding.raw_ciphertexts()
    moved = sum(not _under_old_key(value) for value in raw.values())
    killed = KeyRotation.objects.get()
    assert killed.finished_at is None and killed.progress
    assert 0 < killed.re_encrypted == moved < len(raw)
    assert seeding.stored_hashes() == hashes
    # and nothing is lost: every value still reads back
    assert seeding.encrypted_values() == plain
    # when the rotation is run again
    output = _rotate("--batch-size", "50")
    # then it resumed: each value was re-encrypted exactly once over both runs
    assert output.startswith("继续轮换数据密钥")
    finished = KeyRotation.objects.get()
    assert finished.re_encrypted == len(raw)
    assert finished.finished_at is not None
    # and with the old key gone, every value reads back and every hash is under the new key
    _configure(settings, current=new)
    assert seeding.encrypted_values() == plain
    rekeyed = seeding.stored_hashes()
    assert rekeyed.keys() == hashes.keys()
    for (label, pk, name), value in rekeyed.items():
        assert value != hashes[(label, pk, name)]
    from django.apps import apps

    for (label, pk, name), value in rekeyed.items():
        model = apps.get_model(label)
        field = model._meta.get_field(name)
        source = field.source or "id_number"
        if field.source:
            record = model._base_manager.get(pk=pk)
        else:  # a fact about a person: the ID number of the archive or member it is about
            fact = model._base_manager.select_related("archive", "member").get(pk=pk)
            record = fact.archive or fact.member
        assert value == crypto.keyed_hash_with(getattr(record, source), new), (label, pk, name)
    stages = list(
        AuditEvent.objects.filter(action=AuditAction.DATA_KEY_ROTATION)
        .order_by("id")
        .values_list("detail__phase", flat=True)
    )
    assert stages == ["start", "resume", "finish"]


def test_a_hash_that_disagrees_with_its_value_is_recomputed_and_one_without_a_value_reported(
    tree, settings, keys, enterprise_factory
):
    from gonghui.assistance.models import DisasterEvent
    from gonghui.assistance.monitoring.tests.factories import disaster
    from gonghui.orgs.models import Enterprise

    old, new = keys
    enterprise = enterprise_factory(contact_phone="13912345678")
    Enterprise.objects.filter(pk=enterprise.pk).update(contact_phone_hash="0" * 64)
    fact = disaster(build_member(org=tree.a1))
    DisasterEvent.objects.filter(pk=fact.pk).update(id_number_hash="f" * 64)
    _configure(settings, current=new, old=old)
    # when
    output = _rotate()
    # then
    assert Enterprise.objects.get(pk=enterprise.pk).contact_phone_hash == crypto.keyed_hash_with(
        "13912345678", new
    )
    assert DisasterEvent.objects.get(pk=fact.pk).id_number_hash == "f" * 64
    assert "另有 1 个查找哈希没有对应的记录" in output
    event = AuditEvent.objects.filter(action=AuditAction.DATA_KEY_ROTATION).latest("id")
    assert event.detail["orphaned_hashes"] == 1
    # the member's two hashes and the enterprise's: rewritten
    assert event.detail["hashes"] == KeyRotation.objects.get().hashes_rekeyed == 3
