"""`gonghui backup` and `gonghui restore`, proven: a seeded database backed up, restored into a
fresh PostgreSQL cluster and read back through the app; a wrong data key refused in Chinese."""

import base64
import io
import json
import os
import stat
import tarfile
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from gonghui.audit.models import AuditAction, AuditEvent
from gonghui.core import crypto
from gonghui.core.testing.pgroles import close_all, switched_database
from gonghui.members.models import Member
from gonghui.members.selectors import member_search_q
from gonghui.testing import seeding


def _backup(path: Path) -> str:
    out = io.StringIO()
    call_command("backup", "--output", str(path), stdout=out)
    return out.getvalue()


def _restore(path: Path, *args) -> str:
    out = io.StringIO()
    call_command("restore", str(path), *args, stdout=out)
    return out.getvalue()


def _media_file(settings, relative: str, content: bytes) -> None:
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(content)


def _other_key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def _archive_names(path: Path) -> list[str]:
    with tarfile.open(path) as tar:
        return tar.getnames()


def _manifest(path: Path) -> dict:
    with tarfile.open(path) as tar:
        return json.load(tar.extractfile("manifest.json"))


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_seeded_database_restores_into_a_fresh_cluster_and_reads_back_through_the_app(
    settings, tmp_path
):
    from gonghui.core.testing.pgcluster import start_cluster

    # given a seeded database with a value in every encrypted field, and an uploaded file
    # (media of its own: the other test worker's imports come and go in the shared folder)
    settings.MEDIA_ROOT = tmp_path / "media"
    seeding.seed_small_demo()
    plain = seeding.encrypted_values()
    assert seeding.every_encrypted_field_filled(plain) == []
    hashes = seeding.stored_hashes()
    member = Member.objects.exclude(phone_hash="").order_by("pk").first()
    _media_file(settings, "imports/2026/名册.xlsx", b"PK\x03\x04 roster")
    counts = {
        label: model._base_manager.count()
        for label, model in [(m._meta.label, m) for m in _models()]
    }
    # when it is backed up
    archive = tmp_path / "gonghui.tar"
    output = _backup(archive)
    # then one private file holds the dump, the files and the key's fingerprint, not the key
    assert output.startswith(f"已备份到 {archive}")
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    media = _files(Path(settings.MEDIA_ROOT))
    assert "imports/2026/名册.xlsx" in media and len(media) > 1  # the demo's attachments too
    assert sorted(_archive_names(archive)) == sorted(
        ["database.dump", "manifest.json", *(f"media/{name}" for name in media)]
    )
    manifest = _manifest(archive)
    assert manifest["key_fingerprints"] == [crypto.key_fingerprint()]
    assert manifest["counts"]["members.Member"] == counts["members.Member"]
    blob = archive.read_bytes()
    assert settings.DATA_KEY.encode() not in blob
    assert base64.b64decode(settings.DATA_KEY) not in blob
    assert AuditEvent.objects.filter(action=AuditAction.BACKUP_CREATED).count() == 1
    # when it is restored into a fresh cluster
    cluster = start_cluster()
    right_key = settings.DATA_KEY
    try:
        with (
            switched_database(HOST="127.0.0.1", PORT=cluster.port, NAME="postgres"),
            connection.cursor() as cursor,
        ):
            cursor.execute("CREATE DATABASE restored")
        close_all()
        restored_media = tmp_path / "restored-media"
        settings.MEDIA_ROOT = restored_media
        with switched_database(HOST="127.0.0.1", PORT=cluster.port, NAME="restored"):
            # first with another data key: refused in Chinese, nothing written
            settings.DATA_KEY = _other_key()
            with pytest.raises(CommandError) as refused:
                _restore(archive)
            assert str(refused.value).startswith(
                f"备份所用的数据密钥(指纹 {manifest['key_fingerprints'][0]})与当前配置的 "
                "GONGHUI_DATA_KEY"
            )
            assert (
                "恢复后加密的个人信息(身份证号、手机号、银行账号等)将无法读取，因此没有恢复"
                in str(refused.value)
            )
            assert connection.introspection.table_names() == []
            assert not restored_media.exists()
            # then with the backup's key
            settings.DATA_KEY = right_key
            output = _restore(archive)
            assert "已核对各表行数" in output
            # every kind of encrypted field reads back through the app, hashes and lookups hold
            assert seeding.encrypted_values() == plain
            assert seeding.stored_hashes() == hashes
            assert list(
                Member.objects.filter(member_search_q(member.id_number)).values_list(
                    "pk", flat=True
                )
            ) == [member.pk]
            found = Member.objects.filter(member_search_q(member.phone)).values_list(
                "pk", flat=True
            )
            assert member.pk in found
            assert {m._meta.label: m._base_manager.count() for m in _models()} == counts | {
                "audit.AuditEvent": counts["audit.AuditEvent"] + 1  # the restore itself
            }
            assert _files(restored_media) == media
            restored = AuditEvent.objects.get(action=AuditAction.BACKUP_RESTORED)
            assert restored.detail["file"] == "gonghui.tar"
            # and the audit log is as append-only as before
            with (
                pytest.raises(DatabaseError, match="append-only"),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute("TRUNCATE audit_auditevent")
            # and a second restore over it is refused
            with pytest.raises(CommandError, match="目标数据库不是空的"):
                _restore(archive, "--skip-media")
    finally:
        close_all()
        cluster.stop()


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _models():
    from django.apps import apps

    return [m for m in apps.get_models() if m._meta.managed and not m._meta.proxy]


# --- both databases: a small round trip and the refusals --------------------------------------


def _fresh_database(tmp_path):
    """Settings overrides for a new, empty database beside the test database."""
    if connection.vendor == "sqlite":
        return {"NAME": str(tmp_path / "restored.sqlite3")}
    name = f"restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    return {"NAME": name}


def _drop(database: dict) -> None:
    if connection.vendor == "postgresql":
        close_all()
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database["NAME"]}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database(tree, settings, tmp_path, enterprise_factory):
    from gonghui.members.tests.factories import build_member

    member = build_member(org=tree.a1, phone="13912345678")
    enterprise = enterprise_factory(contact_phone="13800001111")
    _media_file(settings, "sites/photo.jpg", b"\xff\xd8\xff photo")
    archive = tmp_path / "b.tar"
    _backup(archive)
    settings.MEDIA_ROOT = tmp_path / "media2"
    database = _fresh_database(tmp_path)
    try:
        with switched_database(**database):
            _restore(archive)
            assert Member.objects.get(pk=member.pk).id_number == member.id_number
            assert Member.objects.filter(member_search_q("13912345678")).get().pk == member.pk
            assert enterprise.__class__.objects.get(pk=enterprise.pk).contact_phone == (
                "13800001111"
            )
            assert (tmp_path / "media2/sites/photo.jpg").read_bytes() == b"\xff\xd8\xff photo"
    finally:
        _drop(database)


def test_restore_refuses_what_is_no_backup_or_a_database_in_use(db, tmp_path, settings):
    not_tar = tmp_path / "x.tar"
    not_tar.write_bytes(b"hello")
    with pytest.raises(CommandError, match="无法读取备份文件"):
        _restore(not_tar)
    foreign = tmp_path / "foreign.tar"
    with tarfile.open(foreign, "w") as tar:
        tar.add(not_tar, arcname="something.txt")
    with pytest.raises(CommandError, match="这不是本系统的备份文件"):
        _restore(foreign)
    archive = tmp_path / "b.tar"
    _backup(archive)
    with pytest.raises(CommandError, match="目标数据库不是空的：只能恢复到新建的空数据库"):
        _restore(archive)
    with pytest.raises(CommandError, match="文件已存在"):
        _backup(archive)


def test_a_backup_during_a_key_rotation_needs_both_keys(tree, settings, tmp_path):
    from gonghui.members.tests.factories import build_member

    build_member(org=tree.a1)
    old, new = settings.DATA_KEY, _other_key()
    settings.DATA_KEY, settings.DATA_KEY_OLD = new, old
    crypto.lookup_key_forget()
    try:
        archive = tmp_path / "mid.tar"
        _backup(archive)
        assert _manifest(archive)["key_fingerprints"] == [
            crypto.key_fingerprint(new),
            crypto.key_fingerprint(old),
        ]
        # a restore configured with the new key alone would lose what is still under the old
        settings.DATA_KEY_OLD = ""
        with pytest.raises(CommandError, match=f"指纹 {crypto.key_fingerprint(old)}"):
            _restore(archive)
    finally:
        crypto.lookup_key_forget()


@pytest.mark.django_db
def test_a_file_removed_while_the_backup_runs_is_left_out_and_not_counted(
    settings, tmp_path, monkeypatch
):
    """An import's working file can be deleted between the listing and the archiving: the
    backup goes on, and its manifest counts only what it archived (restore checks the count)."""
    from gonghui.core import backup

    settings.MEDIA_ROOT = tmp_path / "media"
    _media_file(settings, "sites/photo.jpg", b"\xff\xd8\xff photo")
    listed = backup._media_files()
    monkeypatch.setattr(
        backup, "_media_files", lambda: [*listed, tmp_path / "media/imports/gone.rows.bin"]
    )
    archive = tmp_path / "out.tar"
    _backup(archive)
    assert _manifest(archive)["media_files"] == 1
    assert "media/sites/photo.jpg" in _archive_names(archive)
